using Tandem.Features.Engagements;
using Tandem.Features.Insights;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.UnitTests.Insights;

/// <summary>
/// The demo's Riverside (two therapists, 192 former clients) as it would be seeded on each of a
/// year of days: its history moves with the day it is seeded, and so do the counts of 1 to 4 that
/// disclosure control must hide. Which headline figures stay in sight is therefore a share of days,
/// not a fact of one day (CI failed on 6 December when the year's reliable improvement of both
/// formats was hidden to protect 4 therapist-led "mixed" results, though hiding "no reliable
/// change" protected them as well).
/// </summary>
public sealed class DemoPracticeYearTests
{
    private static readonly ReportGroups Groups = new("Whole practice", [("t1", "Alex"), ("t2", "Morgan")]);

    /// <summary>The former clients' finished courses as the demo seeds them on <paramref name="today"/>.</summary>
    private static List<Course> FormerClients(DateOnly today) =>
        Enumerable.Range(0, InsightsDemoStep.DefaultFormerClients).Select(i =>
        {
            var c = InsightsDemoStep.Former(i);
            var started = today.AddDays(-c.StartedDaysAgo);
            var last = c.Measures - 1;
            return new Course(
                Guid.NewGuid(), Guid.NewGuid(), c.Format, c.Therapist == 0 ? "t1" : "t2", started, started.AddDays((7 * c.Sessions) + 7), EngagementStatus.Ended, c.Sessions,
                new MeasureSeries(c.Measures, c.Phq9At(0), c.Phq9At(last)), new MeasureSeries(c.Measures, c.Gad7At(0), c.Gad7At(last)));
        }).ToList();

    private static LinkedTable Report(List<Course> courses, ReportPeriod period) =>
        OutcomeTables.Finished(Groups, courses.Where(c => c.Ended!.Value.Year == period.Year), period);

    /// <summary>Every sixth day of 2026 (61 days), the report of 2025 and of the last quarter before the day.</summary>
    private static IEnumerable<(DateOnly Day, LinkedTable Year, LinkedTable Quarter, ReportPeriod LastQuarter)> Days()
    {
        for (var day = new DateOnly(2026, 1, 1); day.Year == 2026; day = day.AddDays(6))
        {
            var courses = FormerClients(day);
            var quarter = ReportPeriod.LastQuarterBefore(day);
            yield return (day, Report(courses, ReportPeriod.YearOf(2025)), Report(courses, quarter), quarter);
        }
    }

    private static IEnumerable<string> Hidden(LinkedTable t, int period, int group, params int[] figures) =>
        figures.Where(f => t.Label(period, group, f) != CellLabel.Shown).Select(f => $"{t.Groups.Names[group]}/{t.Figures[f].Name}");

    [Fact]
    public void Over_a_year_of_days_the_headline_figures_stay_in_sight_and_no_count_of_1_to_4_can_be_worked_out()
    {
        var days = 0;
        var everyGroupImprovement = 0;
        var wholeYear = 0;
        var wholeQuarter = 0;
        var always = new List<string>();
        var leaks = new List<string>();
        foreach (var (day, year, quarter, lastQuarter) in Days())
        {
            days++;
            // Courses and scored courses of every group, and the whole practice's count at caseness, of the
            // year and (the whole practice) of the last quarter: every day.
            for (var g = 0; g < Groups.Axis.Size; g++)
            {
                always.AddRange(Hidden(year, 0, g, OutcomeTables.Courses, OutcomeTables.Measured).Select(h => $"{day} 2025 {h}"));
            }

            always.AddRange(Hidden(year, 0, 0, OutcomeTables.Cases).Select(h => $"{day} 2025 {h}"));
            everyGroupImprovement += Enumerable.Range(0, Groups.Axis.Size).All(g => year.Label(0, g, OutcomeTables.Improvement) == CellLabel.Shown) ? 1 : 0;
            wholeYear += !Hidden(year, 0, 0, OutcomeTables.Improvement, OutcomeTables.Recovery).Any() ? 1 : 0;
            var q = OutcomeTables.IndexOf(lastQuarter);
            always.AddRange(Hidden(quarter, q, 0, OutcomeTables.Courses, OutcomeTables.Measured, OutcomeTables.Cases).Select(h => $"{day} {lastQuarter.Key} {h}"));
            wholeQuarter += !Hidden(quarter, q, 0, OutcomeTables.Courses, OutcomeTables.Measured, OutcomeTables.Cases, OutcomeTables.Improvement, OutcomeTables.Recovery).Any() ? 1 : 0;
            if (day.DayOfYear % 60 == 1)
            {
                leaks.AddRange(Attacker.Derivable(year).Select(l => $"{day} 2025: {l}"));
                leaks.AddRange(Attacker.Derivable(quarter).Select(l => $"{day} {lastQuarter.Key}: {l}"));
            }
        }

        Assert.Empty(leaks);
        Assert.True(always.Count == 0, "hidden: " + string.Join("; ", always));
        // Measured when this test was written (61 days): every group's reliable improvement of 2025 on
        // 57 days (47 before the engine priced every move and weighted the headline rates); the whole
        // practice's reliable improvement and recovery of 2025 on 56 (53 before; the rest in January
        // and May, when a quarter just published leaves 1 to 4 of its cases not recovered and the
        // year's figure is the only one left to hide); of the last quarter on 45 (the rest in the
        // first three weeks after a quarter, when 1 to 4 of its cases did not recover: "all but 3
        // of 20 recovered" is not shown).
        Assert.True(everyGroupImprovement >= days * 90 / 100, $"every group's reliable improvement of 2025 shown on {everyGroupImprovement} of {days} days");
        Assert.True(wholeYear >= days * 90 / 100, $"the whole practice's reliable improvement and recovery of 2025 shown on {wholeYear} of {days} days");
        Assert.True(wholeQuarter >= days * 70 / 100, $"the whole practice's headline figures of the last quarter shown on {wholeQuarter} of {days} days");
    }
}
