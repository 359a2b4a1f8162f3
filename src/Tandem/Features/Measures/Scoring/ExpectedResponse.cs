namespace Tandem.Features.Measures.Scoring;

/// <summary>Where an expected-response curve comes from, in the order Tandem tries them.</summary>
public enum CurveSource
{
    /// <summary>The practice's own finished courses.</summary>
    Practice,

    /// <summary>Finished courses across the practices of this Tandem installation (aggregates only).</summary>
    Installation,

    /// <summary>No curve: the fixed rule (4 measurements without reliable improvement, still at caseness).</summary>
    FixedRule,
}

/// <summary>The expected scores at one measurement of a course: quartiles of finished courses' scores there.</summary>
/// <param name="Session">The measurement's number in its course: 1 is the first (intake) score.</param>
/// <param name="Scores">How many finished courses had a score at this measurement.</param>
public sealed record CurvePoint(int Session, int Scores, double P25, double P50, double P75);

/// <summary>
/// The expected trajectory of one instrument for courses that started in one severity band
/// (docs/expected-response.md). <see cref="Courses"/> is how many finished courses it was built from.
/// </summary>
public sealed record ExpectedCurve(string InstrumentId, string Band, int Courses, IReadOnlyList<CurvePoint> Points)
{
    /// <summary>
    /// The point for a measurement number: its own, or past the last measurement with enough
    /// scores, that last one carried forward (curves flatten as courses go on, and a long course
    /// should not lose its expectation). Null when the curve has no point at or before it.
    /// </summary>
    public CurvePoint? At(int session) => Points.Where(p => p.Session <= session).MaxBy(p => p.Session);

    /// <summary>Built from enough finished courses to be used (<see cref="ExpectedCurveBuilder.MinimumCourses"/>).</summary>
    public bool IsUsable => Courses >= ExpectedCurveBuilder.MinimumCourses && Points.Count > 0;
}

/// <summary>A finished course's totals on one instrument, oldest first (the first is the intake score).</summary>
public sealed record FinishedCourse(string InstrumentId, IReadOnlyList<int> Totals);

/// <summary>The curves a decision may use: the practice's own, then the installation's.</summary>
public sealed record ExpectedCurves(IReadOnlyList<ExpectedCurve> Practice, IReadOnlyList<ExpectedCurve> Installation)
{
    public static readonly ExpectedCurves None = new([], []);

    /// <summary>The curve to use for a course of this instrument that started in this band, and where it comes from (practice, then installation, then none).</summary>
    public (CurveSource Source, ExpectedCurve? Curve) For(StandardMeasure measure, string intakeBand)
    {
        ArgumentNullException.ThrowIfNull(measure);
        bool Fits(ExpectedCurve c) => c.InstrumentId == measure.InstrumentId && c.Band == intakeBand && c.IsUsable;
        if (Practice.FirstOrDefault(Fits) is { } own)
        {
            return (CurveSource.Practice, own);
        }

        return Installation.FirstOrDefault(Fits) is { } shared ? (CurveSource.Installation, shared) : (CurveSource.FixedRule, null);
    }
}

/// <summary>What the on-track rule decided for the latest score of a series, and by which rule.</summary>
public sealed record OnTrackDecision(CurveSource Source, bool NotOnTrack, int Session, CurvePoint? Expected, ExpectedCurve? Curve, string? Rule);

/// <summary>
/// The "not on track" decision (DOMAIN.md section 4, ours; issue 24). With an expected-response
/// curve for the course's instrument and intake band (the practice's, else the installation's),
/// from the second measurement on: the latest score above the curve's 75th percentile at that
/// measurement is not on track; exactly at it, or below, is on track. Without a curve: the fixed
/// rule, 4 or more measurements without reliable improvement and the latest still at caseness.
/// </summary>
public static class OnTrack
{
    public static OnTrackDecision Decide(StandardMeasure measure, IReadOnlyList<int> totals, ExpectedCurves? curves)
    {
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(totals);
        if (totals.Count == 0)
        {
            return new OnTrackDecision(CurveSource.FixedRule, false, 0, null, null, null);
        }

        var session = totals.Count;
        var latest = totals[^1];
        var intake = measure.Band(totals[0]).Name;
        var (source, curve) = (curves ?? ExpectedCurves.None).For(measure, intake);
        if (curve?.At(session) is { } expected)
        {
            // The first score defines the band: comparing it with its own band would only say where in the band it sits.
            var notOnTrack = session >= 2 && latest > expected.P75;
            var whose = source == CurveSource.Practice ? "this practice's" : "this Tandem installation's";
            var rule = notOnTrack
                ? $"Not on track: at measurement {session} the {measure.Name} is {latest}, above {P(expected.P75)}, the 75th percentile at that point of {whose} finished courses that started in the {intake} range (expected-response curve, ours)."
                : null;
            return new OnTrackDecision(source, notOnTrack, session, expected, curve, rule);
        }

        var fixedRule = session >= AlertRules.NotOnTrackMinimum && measure.Change(totals[0], latest) != ReliableChange.Improvement && measure.IsCase(latest);
        return new OnTrackDecision(CurveSource.FixedRule, fixedRule, session, null, null, fixedRule
            ? $"Not on track: {session} {measure.Name} measurements without reliable improvement (a fall of {measure.ReliableChange} or more), and the latest ({latest}) is still at caseness ({measure.Caseness} or more). Fixed rule: too few finished courses that started in the {intake} range for an expected-response curve."
            : null);
    }

    public static string P(double value) => value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
