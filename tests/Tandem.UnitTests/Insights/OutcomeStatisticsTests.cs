using Tandem.Features.Engagements;
using Tandem.Features.Insights;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.UnitTests.Insights;

/// <summary>Every outcome figure on hand-built cohorts whose answers were worked out by hand.</summary>
public sealed class OutcomeStatisticsTests
{
    // Seven PHQ-9 first/last pairs (mean first 13.4286, mean last 10.0, SD(first) 4.39155).
    private static readonly ScorePair[] Cohort = [new(20, 10), new(15, 12), new(12, 14), new(10, 4), new(8, 15), new(18, 7), new(11, 8)];

    [Fact]
    public void Effect_size_is_cohens_d_with_the_pre_sd_and_a_95_percent_interval_to_two_decimals()
    {
        // d = 0.78072; r(first, last) = -0.17259; SE = sqrt(2(1 - r)/n + d^2/(2n)) = 0.61527.
        var e = OutcomeStatistics.EffectSize(Cohort);

        Assert.Equal(0.78, e.D);
        Assert.Equal(-0.43, e.Lower);
        Assert.Equal(1.99, e.Upper);
        Assert.Equal("0.78 (95% CI -0.43 to 1.99)", e.Text);
    }

    [Fact]
    public void Figures_carry_no_more_precision_than_the_page_shows()
    {
        Assert.Equal(13.4, OutcomeStatistics.Mean(Cohort.Select(c => (double)c.First).ToList()).Value);
        Assert.Equal("13.4", OutcomeStatistics.Mean(Cohort.Select(c => (double)c.First).ToList()).Text);
        var rate = OutcomeStatistics.Rate(new Cell(10, CellLabel.Shown), new Cell(24, CellLabel.Shown));
        Assert.Equal(42, rate.Percent);
        Assert.Equal("42%", rate.Text);
        Assert.Equal(13, OutcomeStatistics.WholePercent(1, 8));
        Assert.Equal(33, OutcomeStatistics.WholePercent(1, 3));
    }

    [Fact]
    public void Hidden_cells_read_fewer_than_5_or_not_shown_and_never_carry_a_number()
    {
        var small = OutcomeStatistics.Rate(new Cell(2, CellLabel.FewerThanFive), new Cell(24, CellLabel.Shown));
        Assert.Equal(("fewer than 5", "fewer-than-5"), (small.Text, small.Reason));
        Assert.Null(small.Numerator);
        Assert.Null(small.Percent);
        var hidden = OutcomeStatistics.Rate(new Cell(9, CellLabel.Hidden), new Cell(24, CellLabel.Shown));
        Assert.Equal(("not shown", "hidden"), (hidden.Text, hidden.Reason));
        var overSmall = OutcomeStatistics.Rate(new Cell(0, CellLabel.Hidden), new Cell(3, CellLabel.FewerThanFive));
        Assert.Equal("fewer than 5", overSmall.Text);
        Assert.Null(OutcomeStatistics.Count(new Cell(3, CellLabel.FewerThanFive)).Value);
        Assert.Equal("0", OutcomeStatistics.Count(new Cell(0, CellLabel.Shown)).Text);
        Assert.True(OutcomeStatistics.Mean([1, 2, 3, 4]).Suppressed);
        Assert.Null(OutcomeStatistics.Mean([1, 2, 3, 4]).Value);
    }

    [Fact]
    public void Empty_groups_and_degenerate_spreads_give_clear_text_never_nan()
    {
        Assert.Equal("no data yet", OutcomeStatistics.Rate(new Cell(0, CellLabel.Shown), new Cell(0, CellLabel.Shown)).Text);
        Assert.Equal("no data yet", OutcomeStatistics.Mean([]).Text);
        Assert.Equal("no data yet", OutcomeStatistics.EffectSize([]).Text);

        var flat = OutcomeStatistics.EffectSize([new(12, 5), new(12, 8), new(12, 6), new(12, 12), new(12, 3)]);
        Assert.Null(flat.D);
        Assert.Contains("not defined", flat.Text, StringComparison.Ordinal);

        var sameEnd = OutcomeStatistics.EffectSize([new(12, 4), new(15, 4), new(18, 4), new(10, 4), new(20, 4)]);
        Assert.NotNull(sameEnd.D);
        Assert.Null(sameEnd.Lower);
        Assert.DoesNotContain("NaN", sameEnd.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(18, 6, 14, 5, CourseChange.Improvement, true, true, true, true, true, false)]
    [InlineData(12, 4, 9, 6, CourseChange.Improvement, true, true, true, true, true, true)]
    [InlineData(15, 13, 10, 9, CourseChange.NoChange, true, false, false, true, false, false)]
    [InlineData(8, 16, 5, 10, CourseChange.Deterioration, false, false, false, false, false, false)]
    [InlineData(14, 7, 6, 12, CourseChange.Mixed, true, false, false, true, true, false)]
    public void A_course_follows_nhs_talking_therapies_first_score_ever_to_last(int phqFirst, int phqLast, int gadFirst, int gadLast, CourseChange change,
        bool caseAtStart, bool recovered, bool reliablyRecovered, bool phqCase, bool response, bool remission)
    {
        var o = CourseOutcome.Of(new MeasureSeries(3, phqFirst, phqLast), new MeasureSeries(3, gadFirst, gadLast));
        Assert.Equal((true, change, caseAtStart, recovered, reliablyRecovered, phqCase, response, remission),
            (o.Measured, o.Change, o.CaseAtStart, o.Recovered, o.ReliablyRecovered, o.Phq9Case, o.Phq9Response, o.Phq9Remission));
    }

    [Fact]
    public void A_course_needs_two_scores_on_one_measure_and_a_lone_score_counts_as_first_and_last()
    {
        Assert.False(CourseOutcome.Of(new MeasureSeries(1, 15, 15), new MeasureSeries(1, 12, 12)).Measured);
        // PHQ-9 12 -> 4 with a single GAD-7 of 15: still a case on GAD-7 at the end, so not recovered.
        var lone = CourseOutcome.Of(new MeasureSeries(2, 12, 4), new MeasureSeries(1, 15, 15));
        Assert.True(lone.Measured);
        Assert.False(lone.Recovered);
    }

    /// <summary>
    /// The hand-worked cohort (docs/outcome-disclosure.md, "a worked example"): 25 client-led
    /// courses that ended in March 2026 (Q1), five of each pattern:
    /// A PHQ-9 18->6, GAD-7 14->5, 10 sessions: reliable improvement, reliable recovery, response.
    /// B 12->4, 9->6, 8 sessions: reliable improvement (GAD-7 fell 3: not reliable), reliable recovery, response, remission.
    /// C 15->13, 10->9, 12 sessions: no reliable change, still a case.
    /// D 8->16, 5->10, 2 sessions: reliable deterioration, not a case at the start, ended early.
    /// E 14->7, 6->12, 6 sessions: mixed (PHQ-9 fell 7, GAD-7 rose 6), GAD-7 a case at the end; PHQ-9 response (7 is half of 14).
    /// </summary>
    [Fact]
    public void The_hand_worked_cohort_matches_to_the_digit()
    {
        (int Phq, int PhqEnd, int Gad, int GadEnd, int Sessions)[] patterns = [(18, 6, 14, 5, 10), (12, 4, 9, 6, 8), (15, 13, 10, 9, 12), (8, 16, 5, 10, 2), (14, 7, 6, 12, 6)];
        var courses = patterns.SelectMany(p => Enumerable.Range(0, 5).Select(_ => new Course(
            Guid.NewGuid(), Guid.NewGuid(), EngagementFormat.ClientLed, "t1", new DateOnly(2025, 11, 3), new DateOnly(2026, 3, 20), EngagementStatus.Ended, p.Sessions,
            new MeasureSeries(4, p.Phq, p.PhqEnd), new MeasureSeries(4, p.Gad, p.GadEnd)))).ToList();
        var groups = new ReportGroups("Your caseload", null);
        var q1 = ReportPeriod.QuarterOf(2026, 1);
        var table = OutcomeTables.Finished(groups, courses, q1);
        var p = OutcomeTables.IndexOf(q1);
        Cell C(int f) => OutcomeTables.CellOf(table, p, 0, f);

        Assert.Equal("25", OutcomeStatistics.Count(C(OutcomeTables.Courses)).Text);
        Assert.Equal("20% (5 of 25)", Text(OutcomeStatistics.Rate(C(OutcomeTables.Dropout), C(OutcomeTables.Courses))));
        Assert.Equal("25", OutcomeStatistics.Count(C(OutcomeTables.Measured)).Text);
        Assert.Equal("20", OutcomeStatistics.Count(C(OutcomeTables.Cases)).Text);
        Assert.Equal("40% (10 of 25)", Text(OutcomeStatistics.Rate(C(OutcomeTables.Improvement), C(OutcomeTables.Measured))));
        Assert.Equal("20% (5 of 25)", Text(OutcomeStatistics.Rate(C(OutcomeTables.NoChange), C(OutcomeTables.Measured))));
        Assert.Equal("20% (5 of 25)", Text(OutcomeStatistics.Rate(C(OutcomeTables.Deterioration), C(OutcomeTables.Measured))));
        Assert.Equal("20% (5 of 25)", Text(OutcomeStatistics.Rate(C(OutcomeTables.Mixed), C(OutcomeTables.Measured))));
        Assert.Equal("50% (10 of 20)", Text(OutcomeStatistics.Rate(C(OutcomeTables.Recovery), C(OutcomeTables.Cases))));
        Assert.Equal("50% (10 of 20)", Text(OutcomeStatistics.Rate(C(OutcomeTables.ReliableRecovery), C(OutcomeTables.Cases))));
        Assert.Equal("75% (15 of 20)", Text(OutcomeStatistics.Rate(C(OutcomeTables.Response), C(OutcomeTables.Phq9Cases))));
        Assert.Equal("25% (5 of 20)", Text(OutcomeStatistics.Rate(C(OutcomeTables.Remission), C(OutcomeTables.Phq9Cases))));

        // PHQ-9: mean first 13.4, last 9.2, SD(first) 3.39116, d 1.23851, r -0.52303, SE 0.39054.
        var phq = courses.Select(c => new ScorePair(c.Phq9!.First, c.Phq9.Last)).ToList();
        Assert.Equal("13.4", OutcomeStatistics.Mean(phq.Select(x => (double)x.First).ToList()).Text);
        Assert.Equal("9.2", OutcomeStatistics.Mean(phq.Select(x => (double)x.Last).ToList()).Text);
        Assert.Equal("1.24 (95% CI 0.47 to 2.00)", OutcomeStatistics.EffectSize(phq).Text);
        // GAD-7: mean 8.8 -> 8.4, SD(first) 3.25320, d 0.12296, r -0.81816, SE 0.38178.
        var gad = courses.Select(c => new ScorePair(c.Gad7!.First, c.Gad7.Last)).ToList();
        Assert.Equal("8.8", OutcomeStatistics.Mean(gad.Select(x => (double)x.First).ToList()).Text);
        Assert.Equal("8.4", OutcomeStatistics.Mean(gad.Select(x => (double)x.Last).ToList()).Text);
        Assert.Equal("0.12 (95% CI -0.63 to 0.87)", OutcomeStatistics.EffectSize(gad).Text);

        // Finished courses are reported by quarter and year, never by month.
        Assert.Equal("not reported for this period", OutcomeStatistics.Count(OutcomeTables.CellOf(table, OutcomeTables.IndexOf(ReportPeriod.MonthOf(2026, 3)), 0, OutcomeTables.Courses)).Text);
    }

    private static string Text(RateFigure r) => r.Numerator is { } n ? $"{r.Text} ({n} of {r.Denominator})" : r.Text;
}
