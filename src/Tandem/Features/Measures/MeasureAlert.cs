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

    /// <summary>When Tandem closed it because it no longer means what it said (never a risk alert).</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Why Tandem closed it, in words shown to the therapist.</summary>
    public string? ClosedReason { get; private set; }

    public bool IsOpen => AcknowledgedAt is null && ClosedAt is null;

    /// <summary>How long an acknowledgement can be undone by the person who made it.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromMinutes(1);

    public const int ClosedReasonMaxLength = 300;

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
    internal static MeasureAlert RaiseUnsaved(Guid practiceId, Guid engagementId, Guid subjectUserId, string instrumentId, string rule, DateTimeOffset at) =>
        Raise(practiceId, engagementId, subjectUserId, instrumentId, AlertKind.Risk, rule, at);

    /// <summary>An alert not tied to saved answers (and, in tests, many alerts at once).</summary>
    internal static MeasureAlert Raise(Guid practiceId, Guid engagementId, Guid subjectUserId, string instrumentId, AlertKind kind, string rule, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        PracticeId = practiceId,
        EngagementId = engagementId,
        SubjectUserId = subjectUserId,
        InstrumentId = instrumentId.Length > 40 ? instrumentId[..40] : instrumentId,
        Kind = kind,
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
        if (ClosedAt is not null)
        {
            throw new DomainException($"This alert was already closed by Tandem: {ClosedReason}", DomainError.Conflict);
        }

        if (AcknowledgedAt is not null)
        {
            throw new DomainException("This alert was already acknowledged.", DomainError.Conflict);
        }

        AcknowledgedAt = now;
        AcknowledgedBy = therapistId;
    }

    /// <summary>Takes back an acknowledgement: only its author, only within <see cref="UndoWindow"/>.</summary>
    public void UndoAcknowledgement(Guid therapistId, DateTimeOffset now)
    {
        if (AcknowledgedAt is not { } at || AcknowledgedBy != therapistId)
        {
            throw new DomainException("Only your own acknowledgement can be undone.", DomainError.Conflict);
        }

        if (now - at > UndoWindow)
        {
            throw new DomainException("An acknowledgement can be undone for a minute; this one is older. The alert stays acknowledged.", DomainError.Conflict);
        }

        AcknowledgedAt = null;
        AcknowledgedBy = null;
    }

    /// <summary>
    /// Tandem closes an alert that no longer means what it said (an engagement that ended, a later
    /// score with reliable improvement). A risk alert is never closed this way: a person decides.
    /// </summary>
    internal void CloseBecause(string reason, DateTimeOffset now)
    {
        if (Kind == AlertKind.Risk || !IsOpen)
        {
            return;
        }

        ClosedAt = now;
        ClosedReason = reason.Length > ClosedReasonMaxLength ? reason[..ClosedReasonMaxLength] : reason;
    }
}
