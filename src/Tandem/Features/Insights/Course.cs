using Tandem.Features.Engagements;
using Tandem.Features.Measures.Scoring;

namespace Tandem.Features.Insights;

/// <summary>A person's scores on one measure: how many, the first and the last (up to a given day).</summary>
public sealed record MeasureSeries(int Count, int First, int Last);

/// <summary>
/// One course: a client in one engagement, the unit the outcome figures count (NHS Talking
/// Therapies counts courses of treatment, so a couple is two courses). Dates are days in the
/// practice's time zone.
/// </summary>
public sealed record Course(
    Guid EngagementId,
    Guid ClientId,
    EngagementFormat Format,
    string TherapistGroup,
    DateOnly Started,
    DateOnly? Ended,
    EngagementStatus Status,
    int SessionsEver,
    MeasureSeries? Phq9,
    MeasureSeries? Gad7);

public enum CourseChange
{
    NotMeasured,
    Improvement,
    NoChange,
    Deterioration,
    Mixed,
}

/// <summary>What a course's scores say under NHS Talking Therapies rules, plus PHQ-9 response and remission.</summary>
public sealed record CourseOutcome(
    bool Measured,
    CourseChange Change,
    bool CaseAtStart,
    bool Recovered,
    bool ReliablyRecovered,
    bool Phq9Case,
    bool Phq9Response,
    bool Phq9Remission)
{
    /// <summary>
    /// First score ever to the last: a course counts when at least one of PHQ-9 and GAD-7 has two
    /// scores (a measure with a single score counts it as both first and last, as NHS Talking
    /// Therapies pairs them). Change, caseness and recovery come from <see cref="ChangeRules.Paired"/>.
    /// Response: a PHQ-9 fall of 50% or more (last at most half the first) for people at PHQ-9
    /// caseness at the start; remission: their last PHQ-9 below 5.
    /// </summary>
    public static CourseOutcome Of(MeasureSeries? phq9, MeasureSeries? gad7)
    {
        var measured = phq9 is { Count: >= 2 } || gad7 is { Count: >= 2 };
        if (!measured)
        {
            return new CourseOutcome(false, CourseChange.NotMeasured, false, false, false, false, false, false);
        }

        var paired = ChangeRules.Paired(
            phq9 is null ? null : new MeasurePair(phq9.First, phq9.Last),
            gad7 is null ? null : new MeasurePair(gad7.First, gad7.Last));
        var change = paired.Change switch
        {
            ReliableChange.Improvement => CourseChange.Improvement,
            ReliableChange.Deterioration => CourseChange.Deterioration,
            ReliableChange.Mixed => CourseChange.Mixed,
            _ => CourseChange.NoChange,
        };
        var phqCase = phq9 is { Count: >= 2 } p && StandardMeasure.Phq9.IsCase(p.First);
        return new CourseOutcome(
            true,
            change,
            paired.CaseAtStart,
            paired.Recovery is RecoveryStatus.Recovered or RecoveryStatus.ReliablyRecovered,
            paired.Recovery == RecoveryStatus.ReliablyRecovered,
            phqCase,
            phqCase && 2 * phq9!.Last <= phq9.First,
            phqCase && phq9!.Last < 5);
    }
}
