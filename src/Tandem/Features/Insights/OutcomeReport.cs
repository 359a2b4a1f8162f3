namespace Tandem.Features.Insights;

/// <summary>The Collaboration Check figures of a group: client and therapist means and the gap between them.</summary>
public sealed record CollaborationFigures(MeanFigure ClientMean, MeanFigure TherapistMean, MeanFigure Gap);

/// <summary>Change in the clients' own goal ratings (0-10) from the first to the last rating of each goal in the period.</summary>
public sealed record GoalFigures(MeanFigure MeanChange, CountFigure Goals);

/// <summary>Every figure of one group: the whole practice or caseload, one therapist's caseload, or one format.</summary>
public sealed record GroupReport(
    string Key,
    string Label,
    CountFigure People,
    bool Suppressed,
    CountFigure Started,
    CountFigure Active,
    CountFigure Ended,
    CountFigure SessionsHeld,
    RateFigure Dropout,
    IReadOnlyList<MeasureOutcome> Measures,
    CollaborationFigures Collaboration,
    GoalFigures Goals);

/// <summary>Collaboration Check means in one stretch of the period (a month, quarter or year).</summary>
public sealed record CollaborationPoint(string Label, DateOnly From, DateOnly To, MeanFigure Client, MeanFigure Therapist, MeanFigure Gap);

public sealed record OutcomeDefinition(string Key, string Name, string Text);

/// <summary>The practice outcome report (admin: the whole practice; therapist: their own caseload).</summary>
public sealed record OutcomeReport(
    string Scope,
    string ScopeLabel,
    DateOnly From,
    DateOnly To,
    int MinimumGroup,
    GroupReport Overall,
    IReadOnlyList<GroupReport> ByFormat,
    IReadOnlyList<GroupReport>? ByTherapist,
    IReadOnlyList<CollaborationPoint> CollaborationOverTime,
    IReadOnlyList<OutcomeDefinition> Definitions);

/// <summary>Plain-language definitions, one click from each figure on the page and in the API.</summary>
public static class OutcomeDefinitions
{
    public static readonly IReadOnlyList<OutcomeDefinition> All =
    [
        new("people", "People", "Clients in engagements that were open at any time in the period (started before its end and not ended before its start). Engagements still waiting for their clients to join are left out."),
        new("started", "Engagements started", "Engagements whose start falls in the period."),
        new("active", "Engagements open", "Engagements open at any time in the period."),
        new("ended", "Engagements ended", "Engagements that ended in the period."),
        new("sessions", "Sessions held", "Sessions marked as held whose start falls in the period (cancelled and missed sessions are not counted)."),
        new("dropout", "Dropout", "Of the engagements that ended in the period, the share that ended before their third held session."),
        new("measured", "People measured", "People with at least two scores on the measure in the period. Their first and last score in the period are compared."),
        new("reliable-improvement", "Reliable improvement", "The score fell by at least the measure's reliable change (PHQ-9: 6 points, GAD-7: 4 points) from the first to the last measurement. For PHQ-9 and GAD-7 together (NHS Talking Therapies): a reliable fall on at least one and a reliable rise on neither."),
        new("recovery", "Recovery", "Of the people at caseness at their first measurement (PHQ-9 10 or more, GAD-7 8 or more), the share below caseness at their last. Together: a case on either at the start and below caseness on both at the end."),
        new("reliable-recovery", "Reliable recovery", "Of the people at caseness at their first measurement, the share who recovered and also reliably improved."),
        new("reliable-deterioration", "Reliable deterioration", "The score rose by at least the measure's reliable change. Together: a reliable rise on at least one measure (a mixed result counts as deterioration, so it is never hidden)."),
        new("effect-size", "Effect size (pre-post)", "Cohen's d: the mean first score minus the mean last score, divided by the standard deviation of the first scores (positive means scores fell). The 95% interval uses the variance 2(1 - r)/n + d²/(2n), r being the correlation between first and last scores. Around 0.2 is small, 0.5 medium, 0.8 large."),
        new("collaboration", "Collaboration Check", "The mean total (0 to 28) of the clients' Collaboration Checks and of the therapists' own ratings, each person or engagement counting once."),
        new("gap", "Rating gap (fidelity)", "Per engagement, the therapist's mean rating minus the clients' mean rating, averaged over engagements with both. Near 0: both see the work the same way. Positive: the therapist rates the collaboration higher than the client does."),
        new("goals", "Goal rating change", "For each goal the client rated at least twice in the period, the last rating (0 to 10) minus the first, averaged over goals."),
        new("suppression", "Fewer than 5", "To protect privacy, any figure about fewer than 5 people is not shown, and neither are counts of 1 to 4 people. No names appear in this report."),
    ];
}
