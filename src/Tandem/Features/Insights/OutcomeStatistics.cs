using System.Globalization;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.Features.Insights;

/// <summary>One person's first and last score of one measure.</summary>
public sealed record ScorePair(int First, int Last);

/// <summary>A cell of a disclosure-controlled table: its value and what may be shown of it.</summary>
public readonly record struct Cell(int Value, CellLabel Label)
{
    public bool Shown => Label == CellLabel.Shown;
}

/// <summary>
/// Figures at the precision the page shows and no finer (rates as whole percents, means to one
/// decimal, d to two), so the API and the page give away exactly the same. Which counts are
/// shown is decided by <see cref="LinkedTable"/>; these functions only turn cells into text.
/// Nothing here divides by zero: an empty group gives "no data yet", never NaN.
/// </summary>
public static class OutcomeStatistics
{
    public const int MinimumGroup = 5;

    public const string FewerThanFive = "fewer than 5";

    public const string NotShown = "not shown";

    public const string NoData = "no data yet";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string NotReported = "not reported for this period";

    public static string? Reason(CellLabel label) => label switch
    {
        CellLabel.Shown => null,
        CellLabel.FewerThanFive => "fewer-than-5",
        CellLabel.SmallGroup => "small-group",
        CellLabel.Never => "not-reported",
        _ => "hidden",
    };

    private static string HiddenText(CellLabel label) => label switch
    {
        CellLabel.FewerThanFive or CellLabel.SmallGroup => FewerThanFive,
        CellLabel.Never => NotReported,
        _ => NotShown,
    };

    public static CountFigure Count(Cell cell) => cell.Shown
        ? new CountFigure(cell.Value, false, null, cell.Value.ToString("N0", Invariant))
        : new CountFigure(null, true, Reason(cell.Label), HiddenText(cell.Label));

    /// <summary>A count that is shown exactly when another one is (sessions held, shown when the people seen are).</summary>
    public static CountFigure CountAlong(int value, Cell people) => people.Shown
        ? new CountFigure(value, false, null, value.ToString("N0", Invariant))
        : new CountFigure(null, true, Reason(people.Label), people.Label switch { CellLabel.SmallGroup => FewerThanFive, CellLabel.Never => NotReported, _ => NotShown });

    /// <summary>Whole percent, halves away from zero (so 12.5% reads 13%, as most people round).</summary>
    public static int WholePercent(int numerator, int denominator) =>
        (int)Math.Round(100m * numerator / denominator, 0, MidpointRounding.AwayFromZero);

    public static RateFigure Rate(Cell numerator, Cell denominator)
    {
        if (denominator.Shown && denominator.Value == 0)
        {
            return new RateFigure(null, null, 0, false, null, NoData);
        }

        if (numerator.Shown && denominator.Shown)
        {
            var percent = WholePercent(numerator.Value, denominator.Value);
            return new RateFigure(percent, numerator.Value, denominator.Value, false, null, $"{percent}%");
        }

        var label = !denominator.Shown && denominator.Label is CellLabel.SmallGroup or CellLabel.FewerThanFive or CellLabel.Never ? denominator.Label : numerator.Label;
        if (label == CellLabel.Shown)
        {
            label = CellLabel.Hidden;
        }

        return new RateFigure(null, null, null, true, Reason(label), HiddenText(label));
    }

    public static MeanFigure Mean(IReadOnlyCollection<double> values, string format = "0.0")
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new MeanFigure(null, false, null, NoData);
        }

        if (values.Count < MinimumGroup)
        {
            return new MeanFigure(null, true, "fewer-than-5", FewerThanFive);
        }

        var mean = Math.Round(values.Average(), 1, MidpointRounding.AwayFromZero);
        return new MeanFigure(mean, false, null, mean.ToString(format, Invariant));
    }

    /// <summary>
    /// CollaboRATE figures of a group from its clients' answers (person, total 0-27): hidden below 5
    /// people, and below the developers' 25 answers for a group score; the count itself is never shown.
    /// </summary>
    public static SharedDecisionFigures SharedDecisions(IReadOnlyCollection<(Guid Person, int Total)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count == 0)
        {
            return new SharedDecisionFigures(null, null, false, null, NoData, NoData);
        }

        if (answers.Select(a => a.Person).Distinct().Count() < MinimumGroup)
        {
            return new SharedDecisionFigures(null, null, true, "fewer-than-5", FewerThanFive, FewerThanFive);
        }

        if (answers.Count < Measures.Scoring.CollaborateScoring.GroupMinimum)
        {
            const string few = "fewer than 25 answers";
            return new SharedDecisionFigures(null, null, true, "fewer-than-25-answers", few, few);
        }

        var summary = Measures.Scoring.CollaborateScoring.Summarise(answers.Select(a => a.Total).ToList());
        return new SharedDecisionFigures(summary.TopScorePercent, summary.Mean, false, null,
            $"{summary.TopScorePercent}%", summary.Mean!.Value.ToString("0.0", Invariant));
    }

    public static MeanFigure HiddenMean(CellLabel label) => new(null, true, Reason(label), HiddenText(label));

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
            return new EffectSizeFigure(null, null, null, false, null, NoData);
        }

        if (n < MinimumGroup)
        {
            return new EffectSizeFigure(null, null, null, true, "fewer-than-5", FewerThanFive);
        }

        var first = pairs.Select(p => (double)p.First).ToArray();
        var last = pairs.Select(p => (double)p.Last).ToArray();
        var sdFirst = StandardDeviation(first);
        if (sdFirst == 0)
        {
            return new EffectSizeFigure(null, null, null, false, null, "not defined (everyone started at the same score)");
        }

        var d = (first.Average() - last.Average()) / sdFirst;
        var r = Correlation(first, last);
        if (r is null)
        {
            var rounded = Round2(d);
            return new EffectSizeFigure(rounded, null, null, false, null, rounded.ToString("0.00", Invariant));
        }

        var se = Math.Sqrt((2 * (1 - r.Value) / n) + (d * d / (2.0 * n)));
        var (dd, lower, upper) = (Round2(d), Round2(d - (1.96 * se)), Round2(d + (1.96 * se)));
        return new EffectSizeFigure(dd, lower, upper, false, null, string.Create(Invariant, $"{dd:0.00} (95% CI {lower:0.00} to {upper:0.00})"));
    }

    public static EffectSizeFigure HiddenEffectSize(CellLabel label) => new(null, null, null, true, Reason(label), HiddenText(label));

    private static double Round2(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);

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
}
