using Tandem.Features.Engagements;

namespace Tandem.Features.GettingStarted.Pages;

/// <summary>The words the public pages use for formats, modes and the preferences result.</summary>
public static class DirectoryLabels
{
    public static string Format(string format) => format switch
    {
        "ClientLed" => "Client-led",
        "TherapistLed" => "Therapist-led",
        _ => format,
    };

    public static string Mode(string mode) => mode == "InPerson" ? "In person" : mode;

    /// <summary>"Online", "In person", or "Online and in person".</summary>
    public static string Modes(IReadOnlyList<string> modes) =>
        string.Join(" and ", modes.Select((m, i) => i == 0 ? Mode(m) : Mode(m).ToLowerInvariant()));

    public static string Requested(RequestedFormat format) => format switch
    {
        RequestedFormat.ClientLed => "Client-led",
        RequestedFormat.TherapistLed => "Therapist-led",
        _ => "No preference yet",
    };

    public static string FirstName(string displayName) =>
        displayName.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : displayName;

    /// <summary>What a suggested format means for the person who took the check, in plain words.</summary>
    public static string Meaning(EngagementFormat? suggested) => suggested switch
    {
        EngagementFormat.TherapistLed => "In a therapist-led way of working, your therapist suggests more of the structure: what to focus on, exercises, next steps. Nothing changes in your plan unless you agree, and you can always say what is not working.",
        EngagementFormat.ClientLed => "In a client-led way of working, you set the direction: what to talk about, which goals matter, what happens next. Your therapist offers ideas and questions, and shares their thinking openly.",
        _ => "You did not show a strong wish either way about who leads. Both formats can work; a first conversation is a good place to try out how it feels and decide together.",
    };
}
