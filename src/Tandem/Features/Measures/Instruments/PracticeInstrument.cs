using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Measures.Instruments;

public enum PracticeInstrumentStatus
{
    /// <summary>Uploaded and shown in a preview; not usable for responses yet.</summary>
    Draft,
    Enabled,
    Disabled,
}

/// <summary>
/// An instrument a practice added by uploading a FHIR R4 Questionnaire (issue 9). Its content
/// never changes after upload (a new version is a new upload), so responses always read back
/// against the Questionnaire they were given with; only its status moves:
/// Draft -> Enabled <-> Disabled (and Draft -> Disabled).
/// </summary>
public sealed class PracticeInstrument : IPracticeScoped
{
    public const int KeyMaxLength = 40;
    public const int TitleMaxLength = 200;
    public const int VersionMaxLength = 60;
    public const int SourceUrlMaxLength = 500;
    public const int ScoringMethodMaxLength = 20;
    public const string SumScoring = "sum";

    private PracticeInstrument()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    /// <summary>The instrument id within the practice (a slug, never a built-in id): responses and schedules name it.</summary>
    public string Key { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string? Version { get; private set; }

    /// <summary>The canonical url the Questionnaire came with (kept as its source; Tandem gives the import its own url).</summary>
    public string? SourceUrl { get; private set; }

    /// <summary>The Questionnaire as uploaded, normalised by the Firely SDK.</summary>
    [MultiLine]
    public string QuestionnaireJson { get; private set; } = "";

    public PracticeInstrumentStatus Status { get; private set; }

    public string ScoringMethod { get; private set; } = SumScoring;

    public Guid UploadedBy { get; private set; }

    public DateTimeOffset UploadedAt { get; private set; }

    public Guid? EnabledBy { get; private set; }

    public DateTimeOffset? EnabledAt { get; private set; }

    public Guid? DisabledBy { get; private set; }

    public DateTimeOffset? DisabledAt { get; private set; }

    public static PracticeInstrument Upload(Guid practiceId, string key, string title, string? version, string? sourceUrl, string questionnaireJson, string scoringMethod, Guid by, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = practiceId,
        Key = key,
        Title = Clip(title, TitleMaxLength),
        Version = version is null ? null : Clip(version, VersionMaxLength),
        SourceUrl = sourceUrl is null ? null : Clip(sourceUrl, SourceUrlMaxLength),
        QuestionnaireJson = questionnaireJson,
        Status = PracticeInstrumentStatus.Draft,
        ScoringMethod = scoringMethod,
        UploadedBy = by,
        UploadedAt = now,
    };

    public void Enable(Guid by, DateTimeOffset now)
    {
        if (Status == PracticeInstrumentStatus.Enabled)
        {
            throw new DomainException($"{Title} is already enabled.", DomainError.Conflict);
        }

        Status = PracticeInstrumentStatus.Enabled;
        EnabledBy = by;
        EnabledAt = now;
    }

    public void Disable(Guid by, DateTimeOffset now)
    {
        if (Status == PracticeInstrumentStatus.Disabled)
        {
            throw new DomainException($"{Title} is already disabled.", DomainError.Conflict);
        }

        Status = PracticeInstrumentStatus.Disabled;
        DisabledBy = by;
        DisabledAt = now;
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
