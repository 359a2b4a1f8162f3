using Microsoft.Extensions.Caching.Memory;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.Features.Insights;

/// <summary>
/// One off-track review as the fidelity figures count it (issue 24): the engagement, the day its
/// four weeks for a review closed (in the practice's time zone), and the days from signal to a
/// completed review when it was completed within them.
/// </summary>
public sealed record ReviewEpisode(Guid EngagementId, DateOnly WindowCloses, double? DaysToReview);

/// <summary>Share of off-track signals whose shared review both sides completed within four weeks, and the median days it took.</summary>
public sealed record ReviewFidelityFigures(CountFigure Signals, RateFigure Reviewed, MeanFigure MedianDays);

/// <summary>
/// The review fidelity of a report (issue 24), under the report's disclosure control
/// (docs/outcome-disclosure.md): a table of signals and completed reviews by month, quarter and
/// year and by group, published in the same blocks and shown where finished courses are (quarters
/// for the whole practice or caseload, years for every group, never months). A signal counts in the
/// period its four weeks closed, so a period's figures are final when it is over and never change.
/// </summary>
internal static class ReviewFidelity
{
    /// <summary>How long a review has to be completed to count (ours: the next session or two).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(28);

    public const int Signals = 0, Reviewed = 1;

    public static LinkedTable Table(ReportGroups groups, int year, IEnumerable<ReviewEpisode> episodes, IReadOnlyDictionary<Guid, EngagementFacts> engagements, ReportPeriod upTo, IMemoryCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(engagements);
        var table = new LinkedTable(
            OutcomeTables.Year,
            groups.Axis,
            [new("signals", Weight: 20), new("reviewed", Denominator: Signals)],
            null,
            // "All but 2 of 9 were reviewed" says 2 were not: the rest of the denominator is protected like the numerator.
            [new("not-reviewed", [(Signals, 1), (Reviewed, -1)])])
        {
            GroupSize = Signals,
        };
        table.Displayed = OutcomeTables.FinishedShown;
        foreach (var episode in episodes.Where(e => e.WindowCloses.Year == year))
        {
            if (!engagements.TryGetValue(episode.EngagementId, out var engagement))
            {
                continue;
            }

            foreach (var p in OutcomeTables.PeriodsOfMonth(episode.WindowCloses.Month))
            {
                foreach (var g in groups.Of(engagement.Format, engagement.TherapistGroup))
                {
                    table[p, g, Signals]++;
                    if (episode.DaysToReview is not null)
                    {
                        table[p, g, Reviewed]++;
                    }
                }
            }
        }

        OutcomeTables.Publish(table, upTo, cache);
        return table;
    }

    /// <summary>One group's figures: the median goes with the count of completed reviews, and needs 5 of them.</summary>
    public static ReviewFidelityFigures Figures(LinkedTable table, OutcomeData data, ReportGroups groups, int p, int g)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(groups);
        var signals = OutcomeTables.CellOf(table, p, g, Signals);
        var reviewed = OutcomeTables.CellOf(table, p, g, Reviewed);
        MeanFigure median;
        if (!reviewed.Shown)
        {
            median = OutcomeStatistics.HiddenMean(reviewed.Label == CellLabel.Shown ? CellLabel.Hidden : reviewed.Label);
        }
        else
        {
            var byId = data.Engagements.ToDictionary(e => e.Id);
            var days = data.Reviews
                .Where(r => r.DaysToReview is not null && data.Period.Contains(r.WindowCloses) && byId.TryGetValue(r.EngagementId, out var e) && groups.Of(e.Format, e.TherapistGroup).Contains(g))
                .Select(r => r.DaysToReview!.Value).ToList();
            median = Median(days);
        }

        return new ReviewFidelityFigures(OutcomeStatistics.Count(signals), OutcomeStatistics.Rate(reviewed, signals), median);
    }

    /// <summary>The median to one decimal, over 5 or more values (the report's rule for means).</summary>
    public static MeanFigure Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count is 0 or >= OutcomeStatistics.MinimumGroup)
        {
            var sorted = values.Order().ToList();
            if (sorted.Count == 0)
            {
                return OutcomeStatistics.Mean([]);
            }

            var middle = sorted.Count / 2;
            var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
            var rounded = Math.Round(median, 1, MidpointRounding.AwayFromZero);
            return new MeanFigure(rounded, false, null, rounded.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
        }

        return OutcomeStatistics.Mean(values);
    }
}
