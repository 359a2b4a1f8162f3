using System.Globalization;
using Tandem.Features.Measures.Scoring;

namespace Tandem.Features.Insights;

/// <summary>A count that may be suppressed (1 to 4 shows as "fewer than 5").</summary>
public sealed record CountFigure(int? Value, bool Suppressed, string Text);

/// <summary>A share of a group: shown only when the group (the denominator) has at least 5 people.</summary>
public sealed record RateFigure(double? Value, int? Numerator, int? Denominator, bool Suppressed, string Text);

/// <summary>A mean over at least 5 people, or suppressed.</summary>
public sealed record MeanFigure(double? Value, int? N, bool Suppressed, string Text);

/// <summary>Pre-post effect size (Cohen's d with the pre-treatment SD) and its 95% interval.</summary>
public sealed record EffectSizeFigure(double? D, double? Lower, double? Upper, int? N, bool Suppressed, string Text);

/// <summary>One person's first and last score of one measure in the period (at least two measurements).</summary>
public sealed record ScorePair(int First, int Last);

/// <summary>
/// The outcome figures, as pure functions over per-person rows, so every figure is tested on
/// hand-built cohorts. Privacy rule: any figure about fewer than <see cref="MinimumGroup"/>
/// people is suppressed ("fewer than 5"), and so is a count of 1 to 4 people. Nothing here
/// ever divides by zero: an empty group gives "no data yet", never NaN.
/// </summary>
public static class OutcomeStatistics
{
    public const int MinimumGroup = 5;

    public const string FewerThanFive = "fewer than 5";

    public const string NoData = "no data yet";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static CountFigure Count(int value) =>
        value is > 0 and < MinimumGroup
            ? new CountFigure(null, true, FewerThanFive)
            : new CountFigure(value, false, value.ToString("N0", Invariant));

    /// <summary>A count that is not about people (sessions): shown as is once its group is shown.</summary>
    public static CountFigure Plain(int value) => new(value, false, value.ToString("N0", Invariant));

    public static RateFigure Rate(int numerator, int denominator)
    {
        if (denominator == 0)
        {
            return new RateFigure(null, null, 0, false, NoData);
        }

        if (denominator < MinimumGroup)
        {
            return new RateFigure(null, null, null, true, FewerThanFive);
        }

        var value = (double)numerator / denominator;
        return new RateFigure(value, numerator, denominator, false, Percent(value));
    }

    public static MeanFigure Mean(IReadOnlyCollection<double> values, string format = "0.0")
    {
        if (values.Count == 0)
        {
            return new MeanFigure(null, 0, false, NoData);
        }

        if (values.Count < MinimumGroup)
        {
            return new MeanFigure(null, null, true, FewerThanFive);
        }

        var mean = values.Average();
        return new MeanFigure(mean, values.Count, false, mean.ToString(format, Invariant));
    }

    public static string Percent(double share) => (share * 100).ToString("0", Invariant) + "%";

    /// <summary>
    /// NHS Talking Therapies figures for one measure: reliable improvement and reliable
    /// deterioration over everyone with two or more measurements; recovery and reliable
    /// recovery over those at caseness at their first measurement.
    /// </summary>
    public static MeasureOutcome ForMeasure(StandardMeasure measure, IReadOnlyList<ScorePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(pairs);
        var outcomes = pairs.Select(p => ChangeRules.ForOne(measure, new MeasurePair(p.First, p.Last))).ToList();
        return Summarise(measure.InstrumentId, measure.Name, outcomes, EffectSize(pairs), pairs);
    }

    /// <summary>PHQ-9 and GAD-7 together, per person (the NHS Talking Therapies paired rule in <see cref="ChangeRules.Paired"/>).</summary>
    public static MeasureOutcome Paired(IReadOnlyList<(ScorePair? Phq9, ScorePair? Gad7)> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var outcomes = people.Where(p => p.Phq9 is not null || p.Gad7 is not null)
            .Select(p => ChangeRules.Paired(
                p.Phq9 is { } a ? new MeasurePair(a.First, a.Last) : null,
                p.Gad7 is { } b ? new MeasurePair(b.First, b.Last) : null))
            .ToList();
        return Summarise("phq-9+gad-7", "PHQ-9 + GAD-7", outcomes, null, null);
    }

    private static MeasureOutcome Summarise(string key, string name, List<PairedOutcome> outcomes, EffectSizeFigure? effect, IReadOnlyList<ScorePair>? pairs)
    {
        var people = outcomes.Count;
        var cases = outcomes.Count(o => o.CaseAtStart);
        return new MeasureOutcome(
            key,
            name,
            Count(people),
            Rate(outcomes.Count(o => o.Change == ReliableChange.Improvement), people),
            Rate(outcomes.Count(o => o.Recovery is RecoveryStatus.Recovered or RecoveryStatus.ReliablyRecovered), cases),
            Rate(outcomes.Count(o => o.Recovery == RecoveryStatus.ReliablyRecovered), cases),
            Rate(outcomes.Count(o => o.Change == ReliableChange.Deterioration), people),
            pairs is null ? null : Mean(pairs.Select(p => (double)p.First).ToList()),
            pairs is null ? null : Mean(pairs.Select(p => (double)p.Last).ToList()),
            effect);
    }

    /// <summary>
    /// Cohen's d for a pre-post change standardised by the pre-treatment SD (Becker 1988):
    /// d = (mean first - mean last) / SD(first), positive when scores fell (improvement). Its
    /// 95% interval uses the large-sample variance 2(1 - r)/n + d^2/(2n), r being the
    /// correlation of first and last scores (Becker 1988; Morris and DeShon 2002).
    /// No d when everyone started at the same score; no interval when r is undefined.
    /// </summary>
    public static EffectSizeFigure EffectSize(IReadOnlyList<ScorePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var n = pairs.Count;
        if (n == 0)
        {
            return new EffectSizeFigure(null, null, null, 0, false, NoData);
        }

        if (n < MinimumGroup)
        {
            return new EffectSizeFigure(null, null, null, null, true, FewerThanFive);
        }

        var first = pairs.Select(p => (double)p.First).ToArray();
        var last = pairs.Select(p => (double)p.Last).ToArray();
        var sdFirst = StandardDeviation(first);
        if (sdFirst == 0)
        {
            return new EffectSizeFigure(null, null, null, n, false, "not defined (everyone started at the same score)");
        }

        var d = (first.Average() - last.Average()) / sdFirst;
        var r = Correlation(first, last);
        if (r is null)
        {
            return new EffectSizeFigure(d, null, null, n, false, d.ToString("0.00", Invariant));
        }

        var se = Math.Sqrt((2 * (1 - r.Value) / n) + (d * d / (2.0 * n)));
        var lower = d - (1.96 * se);
        var upper = d + (1.96 * se);
        return new EffectSizeFigure(d, lower, upper, n,
            false, string.Create(Invariant, $"{d:0.00} (95% CI {lower:0.00} to {upper:0.00})"));
    }

    /// <summary>Sample standard deviation (n - 1); 0 for fewer than two values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Pearson's r, or null when either side has no spread.</summary>
    public static double? Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2)
        {
            return null;
        }

        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? null : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Dropout: of the engagements that ended, the share that ended before their third held session.</summary>
    public static RateFigure Dropout(IReadOnlyList<int> heldSessionsOfEndedEngagements)
    {
        ArgumentNullException.ThrowIfNull(heldSessionsOfEndedEngagements);
        return Rate(heldSessionsOfEndedEngagements.Count(s => s < 3), heldSessionsOfEndedEngagements.Count);
    }
}

/// <summary>The outcome figures of one measure (or both together) for one group.</summary>
public sealed record MeasureOutcome(
    string Key,
    string Name,
    CountFigure People,
    RateFigure ReliableImprovement,
    RateFigure Recovery,
    RateFigure ReliableRecovery,
    RateFigure ReliableDeterioration,
    MeanFigure? MeanFirst,
    MeanFigure? MeanLast,
    EffectSizeFigure? EffectSize);
