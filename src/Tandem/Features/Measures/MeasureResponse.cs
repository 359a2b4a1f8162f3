using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Measures;

/// <summary>
/// One completed questionnaire: a personal record of its respondent, visible to them and the
/// engagement's therapists only. The answers are kept as a FHIR R4 QuestionnaireResponse;
/// the scores are denormalised here for charts and as <see cref="ScoreObservation"/> rows.
/// Never changed after submission.
/// </summary>
public sealed class MeasureResponse : IPracticeScoped
{
    public const int IdempotencyKeyMaxLength = 100;

    private MeasureResponse()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public string InstrumentId { get; private set; } = "";

    public Guid RespondentId { get; private set; }

    public Guid? SessionId { get; private set; }

    public DateTimeOffset SubmittedAt { get; private set; }

    public int? Total { get; private set; }

    public string? Band { get; private set; }

    /// <summary>Comma-separated flags, e.g. "risk" or "concern".</summary>
    public string Flags { get; private set; } = "";

    /// <summary>First-to-this reliable change (PHQ-9, GAD-7): None, Improvement or Deterioration.</summary>
    public string? ReliableChange { get; private set; }

    [MultiLine]
    public string QuestionnaireResponseJson { get; private set; } = "{}";

    public string? IdempotencyKey { get; private set; }

    /// <summary>SHA-256 of the submission, so a key reused for a different submission is refused.</summary>
    public string? RequestHash { get; private set; }

    public IReadOnlyList<string> FlagList => Flags.Length == 0 ? [] : Flags.Split(',');

    internal bool SubjectMatches(Guid respondentId, Guid engagementId) => RespondentId == respondentId && EngagementId == engagementId;

    internal static MeasureResponse Create(
        Guid id, Guid practiceId, Guid engagementId, string instrumentId, Guid respondentId, Guid? sessionId, DateTimeOffset at,
        int? total, string? band, IEnumerable<string> flags, string? reliableChange, string fhirJson, string? idempotencyKey, string? requestHash) => new()
    {
        Id = id,
        PracticeId = practiceId,
        EngagementId = engagementId,
        InstrumentId = instrumentId,
        RespondentId = respondentId,
        SessionId = sessionId,
        SubmittedAt = at,
        Total = total,
        Band = band,
        Flags = string.Join(',', flags),
        ReliableChange = reliableChange,
        QuestionnaireResponseJson = fhirJson,
        IdempotencyKey = idempotencyKey,
        RequestHash = requestHash,
    };
}

/// <summary>A score derived from a response (FHIR Observation, derivedFrom the response): a total or a preference dimension mean.</summary>
public sealed class ScoreObservation : IPracticeScoped
{
    private ScoreObservation()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid ResponseId { get; private set; }

    public Guid SubjectId { get; private set; }

    /// <summary>Code system: LOINC for standard totals, Tandem's own otherwise.</summary>
    public string System { get; private set; } = "";

    public string Code { get; private set; } = "";

    public string Display { get; private set; } = "";

    public decimal Value { get; private set; }

    public DateTimeOffset EffectiveAt { get; private set; }

    internal static ScoreObservation For(MeasureResponse response, string system, string code, string display, decimal value) => new()
    {
        Id = Guid.CreateVersion7(response.SubmittedAt),
        PracticeId = response.PracticeId,
        EngagementId = response.EngagementId,
        ResponseId = response.Id,
        SubjectId = response.RespondentId,
        System = system,
        Code = code,
        Display = display,
        Value = value,
        EffectiveAt = response.SubmittedAt,
    };
}
