using Tandem.Features.Engagements;
using Tandem.Features.Insights;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.UnitTests.Insights;

/// <summary>
/// The finished-courses table as the report builds it: a share's numerator and the rest of its
/// denominator are both counts of people, so neither may be 1 to 4 when the share is shown
/// ("all but 4 of 9 reliably recovered" says as much as "4 did not").
/// </summary>
public sealed class FinishedTableTests
{
    private static readonly ReportGroups Groups = new("Whole practice", [("t1", "Alex"), ("t2", "Morgan"), (ReportGroups.Shared, "Shared")]);

    private static Course Finished(int month, EngagementFormat format, string therapist, (int First, int Last) phq, (int First, int Last) gad, int sessions = 8) => new(
        Guid.NewGuid(), Guid.NewGuid(), format, therapist, new DateOnly(2025, 11, 3), new DateOnly(2026, month, 10), EngagementStatus.Ended, sessions,
        new MeasureSeries(4, phq.First, phq.Last), new MeasureSeries(4, gad.First, gad.Last));

    /// <summary>Every share shown with its numerator and denominator: neither the numerator nor the rest is 1 to 4.</summary>
    private static List<string> SmallShares(LinkedTable t)
    {
        var found = new List<string>();
        for (var p = 0; p < t.Periods.Size; p++)
        {
            for (var g = 0; g < t.Groups.Size; g++)
            {
                for (var f = 0; f < t.Figures.Count; f++)
                {
                    if (t.Figures[f].Denominator is not { } d || !t.IsPublished(p) || t.Label(p, g, f) != CellLabel.Shown || t.Label(p, g, d) != CellLabel.Shown)
                    {
                        continue;
                    }

                    var (n, of) = (t[p, g, f], t[p, g, d]);
                    if (n is >= 1 and <= 4 || of - n is >= 1 and <= 4)
                    {
                        found.Add($"{t.Periods.Names[p]}/{t.Groups.Names[g]}/{t.Figures[f].Name}: {n} of {of}");
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The review's case: 9 at caseness, 5 reliably recovered, so "all but 4 of 9" were shown.</summary>
    [Fact]
    public void All_but_4_of_9_reliably_recovered_is_not_shown()
    {
        var courses = new List<Course>();
        for (var i = 0; i < 5; i++)
        {
            courses.Add(Finished(8, EngagementFormat.ClientLed, i % 2 == 0 ? "t1" : "t2", (18, 4), (14, 5)));   // reliable recovery
        }

        courses.Add(Finished(8, EngagementFormat.ClientLed, "t1", (11, 7), (8, 5)));                         // recovery, not reliable
        courses.Add(Finished(8, EngagementFormat.TherapistLed, "t2", (11, 7), (8, 5)));
        courses.Add(Finished(8, EngagementFormat.TherapistLed, "t1", (15, 14), (10, 10)));                   // still a case
        courses.Add(Finished(8, EngagementFormat.ClientLed, "t2", (15, 14), (10, 10)));

        var t = OutcomeTables.Finished(Groups, courses, ReportPeriod.QuarterOf(2026, 3));

        var q3 = OutcomeTables.IndexOf(ReportPeriod.QuarterOf(2026, 3));
        Assert.Equal((9, 5), (t[q3, 0, OutcomeTables.Cases], t[q3, 0, OutcomeTables.ReliableRecovery]));
        Assert.False(t.Label(q3, 0, OutcomeTables.Cases) == CellLabel.Shown && t.Label(q3, 0, OutcomeTables.ReliableRecovery) == CellLabel.Shown, "9 at caseness and 5 reliably recovered: 4 did not");
        Assert.Empty(SmallShares(t));
        Assert.Empty(Attacker.Derivable(t));
    }

    /// <summary>Months of finished courses are never reported; quarters only for the whole practice; years for every group.</summary>
    [Fact]
    public void Finished_courses_are_reported_by_quarter_for_the_whole_practice_and_by_year_for_each_group()
    {
        var courses = Enumerable.Range(0, 40).Select(i => Finished(1 + (i % 12), i % 2 == 0 ? EngagementFormat.ClientLed : EngagementFormat.TherapistLed, i % 3 == 0 ? "t1" : "t2", (18, 4), (14, 5))).ToList();
        var t = OutcomeTables.Finished(Groups, courses, ReportPeriod.YearOf(2026));

        Assert.Equal(CellLabel.Never, t.Label(OutcomeTables.IndexOf(ReportPeriod.MonthOf(2026, 5)), 0, OutcomeTables.Courses));
        Assert.Equal(CellLabel.Never, t.Label(OutcomeTables.IndexOf(ReportPeriod.QuarterOf(2026, 2)), 1, OutcomeTables.Courses));
        Assert.Equal(CellLabel.Shown, t.Label(OutcomeTables.IndexOf(ReportPeriod.QuarterOf(2026, 2)), 0, OutcomeTables.Courses));
        Assert.Equal(CellLabel.Shown, t.Label(0, 1, OutcomeTables.Courses));
        Assert.Equal(CellLabel.Shown, t.Label(0, ReportGroups.FirstTherapist, OutcomeTables.Courses));
        Assert.Equal("not reported for this period", OutcomeStatistics.Count(OutcomeTables.CellOf(t, OutcomeTables.IndexOf(ReportPeriod.MonthOf(2026, 5)), 0, OutcomeTables.Courses)).Text);
    }

    [Fact]
    public void Random_practices_show_no_share_with_1_to_4_on_either_side()
    {
        (int, int)[] phq = [(18, 4), (11, 7), (15, 14), (8, 16), (14, 7), (12, 3), (20, 12)];
        (int, int)[] gad = [(14, 5), (8, 5), (10, 10), (5, 12), (6, 12), (9, 2), (16, 9)];
        var random = new Random(20);
        for (var run = 0; run < 6; run++)
        {
            var courses = Enumerable.Range(0, random.Next(30, 90)).Select(_ =>
            {
                var k = random.Next(phq.Length);
                return Finished(random.Next(1, 13), random.Next(2) == 0 ? EngagementFormat.ClientLed : EngagementFormat.TherapistLed,
                    random.Next(10) == 0 ? ReportGroups.Shared : random.Next(2) == 0 ? "t1" : "t2", phq[k], gad[(k + random.Next(2)) % gad.Length], random.Next(0, 12));
            }).ToList();

            var t = OutcomeTables.Finished(Groups, courses, ReportPeriod.YearOf(2026));

            var small = SmallShares(t);
            Assert.True(small.Count == 0, $"run {run}: " + string.Join("; ", small));
            var derivable = Attacker.Derivable(t);
            Assert.True(derivable.Count == 0, $"run {run}: " + string.Join("; ", derivable));
        }
    }
}
