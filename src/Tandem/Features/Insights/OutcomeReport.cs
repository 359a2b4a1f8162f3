namespace Tandem.Features.Insights;

/// <summary>
/// A count of people or engagements. <c>Value</c> is null when the count is not shown:
/// <c>Reason</c> "fewer-than-5" (1 to 4), "hidden" (it would let such a count be worked out),
/// "small-group" (its whole group is fewer than 5 people).
/// </summary>
public sealed record CountFigure(int? Value, bool Suppressed, string? Reason, string Text);

/// <summary>A share of a group as a whole percent, with its numerator and denominator when both are shown.</summary>
public sealed record RateFigure(int? Percent, int? Numerator, int? Denominator, bool Suppressed, string? Reason, string Text);

/// <summary>A mean to one decimal, over at least 5 people (how many is not given: it is not shown on the page).</summary>
public sealed record MeanFigure(double? Value, bool Suppressed, string? Reason, string Text);

/// <summary>Pre-post effect size (Cohen's d with the pre-treatment SD) and its 95% interval, to two decimals.</summary>
public sealed record EffectSizeFigure(double? D, double? Lower, double? Upper, bool Suppressed, string? Reason, string Text);

/// <summary>Engagements (not people) by what happened to them in the period, and the work done.</summary>
/// <param name="Started">Engagements started in the period.</param>
/// <param name="Active">Engagements not ended by the end of the period and not paused today.</param>
/// <param name="Paused">Engagements not ended by the end of the period and paused today.</param>
/// <param name="Ended">Engagements ended in the period.</param>
/// <param name="SessionsHeld">Held sessions in the period (not shown when fewer than 5 clients had them).</param>
public sealed record ActivityFigures(CountFigure Started, CountFigure Active, CountFigure Paused, CountFigure Ended, CountFigure SessionsHeld);

/// <summary>One measure on its own over finished courses: mean first and last score, effect size, and (PHQ-9) response and remission.</summary>
public sealed record MeasureFigures(string Key, string Name, MeanFigure MeanFirst, MeanFigure MeanLast, EffectSizeFigure EffectSize, RateFigure? Response, RateFigure? Remission);

/// <summary>
/// Courses (one client in one engagement) that ended in the period, first score ever to last
/// (NHS Talking Therapies, PHQ-9 and GAD-7 together): comparable with national figures.
/// </summary>
public sealed record FinishedFigures(
    CountFigure Courses,
    RateFigure Dropout,
    CountFigure Measured,
    CountFigure CasesAtStart,
    RateFigure ReliableImprovement,
    RateFigure NoReliableChange,
    RateFigure ReliableDeterioration,
    RateFigure Mixed,
    RateFigure Recovery,
    RateFigure ReliableRecovery,
    MeasureFigures Phq9,
    MeasureFigures Gad7);

/// <summary>Courses still going at the end of the period, first score ever to the latest by then: not finished, so not comparable with national figures.</summary>
public sealed record InTreatmentFigures(
    DateOnly AsOf,
    CountFigure Courses,
    CountFigure Measured,
    CountFigure CasesAtStart,
    RateFigure ReliableImprovement,
    RateFigure NoReliableChange,
    RateFigure ReliableDeterioration,
    RateFigure Mixed,
    RateFigure BelowCaseness);

/// <summary>The Collaboration Check figures of a group in the period: client and therapist means and the gap between them.</summary>
public sealed record CollaborationFigures(MeanFigure ClientMean, MeanFigure TherapistMean, MeanFigure Gap);

/// <summary>
/// CollaboRATE in a group: the share of top scores and the mean (0-9), shown only from 5 or more
/// clients and 25 or more answers (the developers' minimum for a group score); never a count.
/// </summary>
public sealed record SharedDecisionFigures(int? TopScorePercent, double? Mean, bool Hidden, string? Reason, string TopScoresText, string MeanText);

/// <summary>Change in the clients' own goal ratings (0-10) from the first to the last rating of each goal in the period.</summary>
public sealed record GoalFigures(MeanFigure MeanChange);

/// <summary>Every figure of one group: the whole practice or caseload, one format, or one therapist's own courses.</summary>
public sealed record GroupReport(
    string Key,
    string Label,
    bool Suppressed,
    ActivityFigures Activity,
    FinishedFigures Finished,
    InTreatmentFigures InTreatment,
    CollaborationFigures Collaboration,
    GoalFigures Goals,
    ReviewFidelityFigures Reviews)
{
    /// <summary>CollaboRATE (issue 24).</summary>
    public SharedDecisionFigures SharedDecisions { get; init; } = OutcomeStatistics.SharedDecisions([]);
}

/// <summary>Collaboration Check means in one month of the period.</summary>
public sealed record CollaborationPoint(string Label, DateOnly From, DateOnly To, MeanFigure Client, MeanFigure Therapist, MeanFigure Gap);

public sealed record OutcomeDefinition(string Key, string Name, string Text);

/// <summary>The period a report covers and, when the request was not a whole month, quarter or year, what was done with it.</summary>
public sealed record PeriodInfo(string Key, string Kind, string Label, DateOnly From, DateOnly To, string? Note);

/// <summary>The practice outcome report (admin: the whole practice; therapist: their own caseload).</summary>
public sealed record OutcomeReport(
    string Scope,
    string ScopeLabel,
    PeriodInfo Period,
    int MinimumGroup,
    GroupReport Overall,
    IReadOnlyList<GroupReport> ByFormat,
    IReadOnlyList<GroupReport>? ByTherapist,
    IReadOnlyList<CollaborationPoint> CollaborationOverTime,
    IReadOnlyList<OutcomeDefinition> Definitions);
