using Tandem.Features.Engagements;
using Tandem.Features.Insights;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.UnitTests.Insights;

/// <summary>
/// Statistical disclosure control on hand-built tables (docs/outcome-disclosure.md): primary
/// suppression, complementary suppression by format, by therapist and by period, counts one
/// subtraction away, and publication in blocks. An independent attacker checks each result.
/// </summary>
public sealed class DisclosureControlTests
{
    private static readonly int[] FebruaryMarchQ1 = [6, 7, 1];

    private static readonly int[] JulyToQ3 = [11, 12, 13, 3];

    private static readonly Axis Formats = new(["all", "ClientLed", "TherapistLed"], [new Relation(0, [1, 2])]);

    private static LinkedTable OneFigure(Axis periods, Axis groups) => new(periods, groups, [new FigureKind("courses")]) { GroupSize = 0 };

    [Fact]
    public void A_count_of_1_to_4_reads_fewer_than_5_and_0_and_5_are_shown()
    {
        var t = new LinkedTable(Axis.One("Q1"), Axis.One("all"), [new FigureKind("courses"), new FigureKind("deteriorated"), new FigureKind("improved")]);
        (t[0, 0, 0], t[0, 0, 1], t[0, 0, 2]) = (27, 1, 0);
        t.PublishAll();

        Assert.Equal(CellLabel.Shown, t.Label(0, 0, 0));
        Assert.Equal(CellLabel.FewerThanFive, t.Label(0, 0, 1));
        Assert.Equal(CellLabel.Shown, t.Label(0, 0, 2));
        Assert.Equal("fewer than 5", OutcomeStatistics.Rate(new Cell(1, t.Label(0, 0, 1)), new Cell(27, CellLabel.Shown)).Text);
        Assert.Null(OutcomeStatistics.Rate(new Cell(1, t.Label(0, 0, 1)), new Cell(27, CellLabel.Shown)).Numerator);
        Assert.Equal("0%", OutcomeStatistics.Rate(new Cell(0, CellLabel.Shown), new Cell(27, CellLabel.Shown)).Text);
    }

    /// <summary>
    /// The cohort that leaks today: 3 client-led courses and 10 therapist-led, 13 in all. The old
    /// report hid the client-led group and showed the other two, so 13 - 10 = 3.
    /// </summary>
    [Fact]
    public void A_small_format_cannot_be_worked_out_from_the_whole_and_the_other_format()
    {
        var t = OneFigure(Axis.One("Q1"), Formats);
        (t[0, 0, 0], t[0, 1, 0], t[0, 2, 0]) = (13, 3, 10);
        t.PublishAll();

        Assert.Equal(CellLabel.SmallGroup, t.Label(0, 1, 0));
        Assert.False(t.Label(0, 0, 0) == CellLabel.Shown && t.Label(0, 2, 0) == CellLabel.Shown, "13 - 10 would give the client-led 3");
        Assert.Empty(Attacker.Derivable(t));
        Assert.Empty(Attacker.Pinned(t));
    }

    [Fact]
    public void Hiding_the_sibling_is_not_enough_when_the_labels_pin_the_value()
    {
        // 1 + 5 = 6: with "fewer than 5" (1-4) and "not shown" (0 or 5+), 6 can only be 1 + 5.
        var t = OneFigure(Axis.One("Q1"), Formats);
        (t[0, 0, 0], t[0, 1, 0], t[0, 2, 0]) = (6, 1, 5);
        t.PublishAll();

        Assert.Empty(Attacker.Pinned(t));
        Assert.NotEqual(CellLabel.Shown, t.Label(0, 0, 0));
    }

    [Fact]
    public void A_small_therapist_caseload_is_protected_across_both_ways_of_splitting_the_practice()
    {
        var groups = new Axis(["all", "ClientLed", "TherapistLed", "T1", "T2", "T3"], [new Relation(0, [1, 2]), new Relation(0, [3, 4, 5])]);
        var t = OneFigure(Axis.One("2026"), groups);
        (t[0, 0, 0], t[0, 1, 0], t[0, 2, 0], t[0, 3, 0], t[0, 4, 0], t[0, 5, 0]) = (30, 18, 12, 2, 13, 15);
        t.PublishAll();

        Assert.Equal(CellLabel.SmallGroup, t.Label(0, 3, 0));
        Assert.Empty(Attacker.Derivable(t));
        Assert.Empty(Attacker.Pinned(t, max: 31));
    }

    [Fact]
    public void A_small_month_cannot_be_worked_out_from_its_quarter_and_the_other_months()
    {
        var t = OneFigure(OutcomeTables.Year, Axis.One("all"));
        int[] months = [2, 6, 7, 8, 9, 10, 6, 7, 8, 9, 10, 11];
        for (var m = 1; m <= 12; m++)
        {
            t[4 + m, 0, 0] = months[m - 1];
            t[((m - 1) / 3) + 1, 0, 0] += months[m - 1];
            t[0, 0, 0] += months[m - 1];
        }

        foreach (var block in OutcomeTables.Blocks(ReportPeriod.YearOf(2026)))
        {
            t.Publish(block);
        }

        Assert.Equal(CellLabel.SmallGroup, t.Label(5, 0, 0));
        Assert.Contains(FebruaryMarchQ1, p => t.Label(p, 0, 0) != CellLabel.Shown);
        Assert.Empty(Attacker.Derivable(t));
    }

    [Fact]
    public void Two_small_months_together_are_not_a_group_that_can_be_worked_out()
    {
        // July 1 and August 2 are each fewer than 5; September 7 and Q3 10 both shown would give July + August = 3.
        var t = OneFigure(OutcomeTables.Year, Axis.One("all"));
        void Add(int month, int n)
        {
            t[4 + month, 0, 0] += n;
            t[((month - 1) / 3) + 1, 0, 0] += n;
            t[0, 0, 0] += n;
        }

        Add(7, 1);
        Add(8, 2);
        Add(9, 7);
        Add(10, 9);
        foreach (var block in OutcomeTables.Blocks(ReportPeriod.QuarterOf(2026, 4)))
        {
            t.Publish(block);
        }

        var shown = JulyToQ3.Where(p => t.Label(p, 0, 0) == CellLabel.Shown).ToList();
        Assert.False(shown.Contains(13) && shown.Contains(3), "September and Q3 both shown give July + August = 3");
        Assert.Empty(Attacker.Derivable(t));
    }

    [Fact]
    public void A_count_one_subtraction_away_is_protected_like_a_shown_one()
    {
        // 24 finished, 22 ended early: "did not end early" = 2 people.
        var t = new LinkedTable(Axis.One("Q1"), Formats, [new FigureKind("courses"), new FigureKind("dropout", Denominator: 0)], null,
            [new Derived("stayed", [(0, 1), (1, -1)])]) { GroupSize = 0 };
        (t[0, 0, 0], t[0, 1, 0], t[0, 2, 0]) = (24, 12, 12);
        (t[0, 0, 1], t[0, 1, 1], t[0, 2, 1]) = (22, 11, 11);
        t.PublishAll();

        Assert.Empty(Attacker.Derivable(t));
        Assert.False(t.Label(0, 0, 0) == CellLabel.Shown && t.Label(0, 0, 1) == CellLabel.Shown);
    }

    [Fact]
    public void A_block_never_changes_what_an_earlier_block_showed()
    {
        var random = new Random(20);
        for (var run = 0; run < 40; run++)
        {
            var counts = Enumerable.Range(0, 12).Select(_ => random.Next(0, 3) == 0 ? random.Next(1, 5) : random.Next(0, 12)).ToArray();
            var tables = Enumerable.Range(1, 4).Select(upTo =>
            {
                var t = OneFigure(OutcomeTables.Year, Formats);
                for (var m = 1; m <= 12; m++)
                {
                    var cl = counts[m - 1] / 2;
                    foreach (var p in new[] { 0, ((m - 1) / 3) + 1, 4 + m })
                    {
                        t[p, 0, 0] += counts[m - 1];
                        t[p, 1, 0] += cl;
                        t[p, 2, 0] += counts[m - 1] - cl;
                    }
                }

                foreach (var block in OutcomeTables.Blocks(ReportPeriod.QuarterOf(2026, upTo)))
                {
                    t.Publish(block);
                }

                return t;
            }).ToList();

            for (var upTo = 1; upTo < 4; upTo++)
            {
                foreach (var p in OutcomeTables.Blocks(ReportPeriod.QuarterOf(2026, upTo)).SelectMany(b => b))
                {
                    for (var g = 0; g < 3; g++)
                    {
                        Assert.Equal(tables[upTo - 1].Label(p, g, 0), tables[3].Label(p, g, 0));
                    }
                }

                Assert.Empty(Attacker.Derivable(tables[upTo - 1]));
            }

            Assert.Empty(Attacker.Derivable(tables[3]));
        }
    }

    [Fact]
    public void Random_practices_give_the_attacker_nothing()
    {
        var random = new Random(7);
        var groups = new Axis(["all", "ClientLed", "TherapistLed", "T1", "T2", "shared"], [new Relation(0, [1, 2]), new Relation(0, [3, 4, 5])]);
        for (var run = 0; run < 25; run++)
        {
            var t = new LinkedTable(OutcomeTables.Year, groups,
                [new FigureKind("courses"), new FigureKind("measured"), new FigureKind("improved", Denominator: 1), new FigureKind("same", Denominator: 1), new FigureKind("worse", Denominator: 1)],
                [new Relation(1, [2, 3, 4])],
                [new Derived("unmeasured", [(0, 1), (1, -1)])])
            {
                GroupSize = 0,
                Displayed = (p, g) => g < 3 || p <= 4,
            };
            for (var i = 0; i < random.Next(20, 90); i++)
            {
                var month = random.Next(1, 13);
                var format = random.Next(1, 3);
                var therapist = 3 + (random.Next(10) < 1 ? 2 : random.Next(0, 2));
                var measured = random.Next(10) < 8;
                var outcome = 2 + random.Next(0, 3);
                foreach (var p in new[] { 0, ((month - 1) / 3) + 1, 4 + month })
                {
                    foreach (var g in new[] { 0, format, therapist })
                    {
                        t[p, g, 0]++;
                        if (measured)
                        {
                            t[p, g, 1]++;
                            t[p, g, outcome]++;
                        }
                    }
                }
            }

            foreach (var block in OutcomeTables.Blocks(ReportPeriod.YearOf(2026)))
            {
                t.Publish(block);
            }

            var found = Attacker.Derivable(t);
            Assert.True(found.Count == 0, $"run {run}: " + string.Join("; ", found));
        }
    }

    [Fact]
    public void Format_groups_put_every_course_in_one_format_and_one_therapist_row()
    {
        var groups = new ReportGroups("Whole practice", [("t1", "Alex"), (ReportGroups.Shared, "Shared")]);
        Assert.Equal([0, 1, 3], groups.Of(EngagementFormat.ClientLed, "t1").ToArray());
        Assert.Equal([0, 2, 4], groups.Of(EngagementFormat.TherapistLed, ReportGroups.Shared).ToArray());
        Assert.Equal([0, 2], new ReportGroups("Your caseload", null).Of(EngagementFormat.TherapistLed, "t1").ToArray());
    }
}
