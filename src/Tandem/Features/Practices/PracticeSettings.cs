using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Practices;

/// <summary>
/// What a practice tells the people it works with, set by its admin: how soon to expect a
/// reply to a message and where to turn in a crisis. One row per practice, created on first
/// save; until then the defaults below apply. Shared by every feature that needs them
/// (messages, measures with risk flags, session pages), so add new practice-wide settings here.
/// </summary>
public sealed class PracticeSettings : IPracticeScoped
{
    public const int ExpectedReplyMaxLength = 100;
    public const int CrisisInformationMaxLength = 2000;

    public const int AddressMaxLength = 300;
    public const int OnlineSessionPolicyMaxLength = 2000;
    public const int DefaultReminderHours = 24;
    public const int MaxReminderHours = 72;
    public const int MaxDefaultMeasures = 5;

    public const string DefaultExpectedReply = "within 2 working days";

    /// <summary>A sensible default that points to emergency services and free, always-open lines.</summary>
    public const string DefaultCrisisInformation =
        "If you are in danger or think you might harm yourself, **call your local emergency number now** " +
        "(999 or 112 in the UK and Europe, 911 in North America) or go to the nearest emergency department.\n\n" +
        "To talk to someone at any hour, free: **Samaritans 116 123** (UK and Ireland) or **988** " +
        "(Suicide and Crisis Lifeline, US).";

    private PracticeSettings()
    {
    }

    /// <summary>Also the key: one settings row per practice.</summary>
    public Guid PracticeId { get; private set; }

    /// <summary>Completes "You can usually expect a reply ...", e.g. "within 2 working days".</summary>
    public string ExpectedReply { get; private set; } = DefaultExpectedReply;

    /// <summary>Markdown, shown through SafeMarkdown wherever messages or risk are shown.</summary>
    [MultiLine]
    public string CrisisInformation { get; private set; } = DefaultCrisisInformation;

    /// <summary>Where the practice is, shown to clients (plain text).</summary>
    [MultiLine]
    public string? Address { get; private set; }

    /// <summary>How online sessions work here, shown to clients (Markdown through SafeMarkdown).</summary>
    [MultiLine]
    public string? OnlineSessionPolicy { get; private set; }

    /// <summary>How long before a session the reminder email goes out (read by the reminder job).</summary>
    public int ReminderHoursBefore { get; private set; } = DefaultReminderHours;

    /// <summary>
    /// Online sessions in Tandem (issue 23): a client goes straight into the call while a therapist is already in it,
    /// instead of waiting to be let in. Off by default: the therapist lets each client in.
    /// </summary>
    public bool ClientsEnterWhenTherapistIsIn { get; private set; }

    /// <summary>"#rrggbb", contrast-checked against white text (<see cref="Branding"/>); null: Tandem's own colour.</summary>
    public string? BrandColour { get; private set; }

    /// <summary>The measures a new engagement starts with, as JSON (<see cref="DefaultMeasure"/>); checked by the use case.</summary>
    public string? DefaultMeasuresJson { get; private set; }

    /// <summary>PNG or JPEG, at most 200 KB, checked by its first bytes. Never read with the rest of the settings.</summary>
    public byte[]? Logo { get; private set; }

    public string? LogoContentType { get; private set; }

    public DateTimeOffset? LogoUpdatedAt { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public Guid? UpdatedBy { get; private set; }

    /// <summary>Changes what is given (null leaves a setting as it is; empty text clears it).</summary>
    public void UpdateDetails(string? address, string? onlineSessionPolicy, int? reminderHoursBefore, string? brandColour, string? defaultMeasuresJson, Guid by, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (address is not null && address.Trim().Length > AddressMaxLength)
        {
            errors["address"] = [$"The address is at most {AddressMaxLength} characters."];
        }

        if (onlineSessionPolicy is not null && onlineSessionPolicy.Trim().Length > OnlineSessionPolicyMaxLength)
        {
            errors["onlineSessionPolicy"] = [$"The online-session policy is at most {OnlineSessionPolicyMaxLength} characters."];
        }

        if (reminderHoursBefore is { } hours && hours is < 1 or > MaxReminderHours)
        {
            errors["reminderHoursBefore"] = [$"Send reminders 1 to {MaxReminderHours} hours before a session."];
        }

        string? colour = BrandColour;
        if (brandColour is not null)
        {
            try
            {
                colour = Branding.NormaliseColour(brandColour);
            }
            catch (DomainException ex)
            {
                errors["brandColour"] = [ex.Message];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(string.Join(" ", errors.Values.SelectMany(v => v)), DomainError.Invalid, errors);
        }

        Address = address is null ? Address : Blank(address);
        OnlineSessionPolicy = onlineSessionPolicy is null ? OnlineSessionPolicy : Blank(onlineSessionPolicy);
        ReminderHoursBefore = reminderHoursBefore ?? ReminderHoursBefore;
        BrandColour = colour;
        DefaultMeasuresJson = defaultMeasuresJson ?? DefaultMeasuresJson;
        UpdatedAt = now;
        UpdatedBy = by;
    }

    /// <summary>Changes the waiting-room rule of online sessions (null leaves it as it is).</summary>
    public void SetDirectEntry(bool? clientsEnterWhenTherapistIsIn, Guid by, DateTimeOffset now)
    {
        if (clientsEnterWhenTherapistIsIn is not { } on)
        {
            return;
        }

        ClientsEnterWhenTherapistIsIn = on;
        UpdatedAt = now;
        UpdatedBy = by;
    }

    /// <summary>Replaces the logo (bytes checked here, whatever type the upload claimed); null removes it.</summary>
    public void SetLogo(byte[]? bytes, Guid by, DateTimeOffset now)
    {
        LogoContentType = bytes is null ? null : Branding.LogoType(bytes);
        Logo = bytes;
        LogoUpdatedAt = now;
        UpdatedAt = now;
        UpdatedBy = by;
    }

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static PracticeSettings Defaults(Guid practiceId) => new() { PracticeId = practiceId };

    public void Update(string? expectedReply, string? crisisInformation, Guid by, DateTimeOffset now)
    {
        expectedReply = (expectedReply ?? "").Trim();
        crisisInformation = (crisisInformation ?? "").Trim();
        var errors = new Dictionary<string, string[]>();
        if (expectedReply.Length is 0 or > ExpectedReplyMaxLength)
        {
            errors["expectedReply"] = [$"Say when people can expect a reply, in 1 to {ExpectedReplyMaxLength} characters."];
        }

        if (crisisInformation.Length is 0 or > CrisisInformationMaxLength)
        {
            errors["crisisInformation"] = [$"Crisis information is required, up to {CrisisInformationMaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException("Some settings need attention.", DomainError.Invalid, errors);
        }

        ExpectedReply = expectedReply;
        CrisisInformation = crisisInformation;
        UpdatedAt = now;
        UpdatedBy = by;
    }
}
