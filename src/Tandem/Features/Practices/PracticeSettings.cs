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

    public DateTimeOffset? UpdatedAt { get; private set; }

    public Guid? UpdatedBy { get; private set; }

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
