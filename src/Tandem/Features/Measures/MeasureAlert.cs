using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Measures;

/// <summary>
/// An alert for the engagement's therapists (DOMAIN.md section 4). It states the rule that
/// fired, stays open until a therapist acknowledges it, and both steps are audited.
/// </summary>
public sealed class MeasureAlert : IPracticeScoped
{
    public const int RuleMaxLength = 600;

    private MeasureAlert()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    /// <summary>The person whose answers fired it.</summary>
    public Guid SubjectUserId { get; private set; }

    public Guid? ResponseId { get; private set; }

    public string InstrumentId { get; private set; } = "";

    public AlertKind Kind { get; private set; }

    public string Rule { get; private set; } = "";

    public DateTimeOffset RaisedAt { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public Guid? AcknowledgedBy { get; private set; }

    public bool IsOpen => AcknowledgedAt is null;

    internal static MeasureAlert Raise(MeasureResponse response, FiredRule rule) => new()
    {
        Id = Guid.CreateVersion7(response.SubmittedAt),
        PracticeId = response.PracticeId,
        EngagementId = response.EngagementId,
        SubjectUserId = response.RespondentId,
        ResponseId = response.Id,
        InstrumentId = response.InstrumentId,
        Kind = rule.Kind,
        Rule = rule.Rule.Length > RuleMaxLength ? rule.Rule[..RuleMaxLength] : rule.Rule,
        RaisedAt = response.SubmittedAt,
    };

    /// <summary>A risk alert for answers that were refused and so never stored: the alert is their record.</summary>
    internal static MeasureAlert RaiseUnsaved(Guid practiceId, Guid engagementId, Guid subjectUserId, string instrumentId, string rule, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        PracticeId = practiceId,
        EngagementId = engagementId,
        SubjectUserId = subjectUserId,
        InstrumentId = instrumentId.Length > 40 ? instrumentId[..40] : instrumentId,
        Kind = AlertKind.Risk,
        Rule = rule.Length > RuleMaxLength ? rule[..RuleMaxLength] : rule,
        RaisedAt = at,
    };

    /// <summary>The refused answers behind this alert were sent again and saved: the alert now points to them.</summary>
    internal void AttachSavedAnswers(MeasureResponse response)
    {
        if (ResponseId is null && response.SubjectMatches(SubjectUserId, EngagementId))
        {
            ResponseId = response.Id;
            const string Saved = " The answers were then sent again and saved.";
            Rule = Rule.Length + Saved.Length <= RuleMaxLength ? Rule + Saved : Rule;
        }
    }

    public void Acknowledge(Guid therapistId, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new DomainException("This alert was already acknowledged.", DomainError.Conflict);
        }

        AcknowledgedAt = now;
        AcknowledgedBy = therapistId;
    }
}
