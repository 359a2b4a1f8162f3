using Tandem.Features.Insights;
using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Insights;

/// <summary>Every outcome figure on hand-built cohorts whose answers were worked out by hand.</summary>
public sealed class OutcomeStatisticsTests
{
    // Seven PHQ-9 first/last pairs:
    // 20->10 reliable improvement, still a case (not recovered)
    // 15->12 no reliable change, case -> case
    // 12->14 no reliable change
    // 10->4  reliable improvement, case -> not a case: reliable recovery
    //  8->15 reliable deterioration, not a case at the start
    // 18->7  reliable improvement, reliable recovery
    // 11->8  no reliable change but below caseness at the end: recovery, not reliable
    private static readonly ScorePair[] Cohort = [new(20, 10), new(15, 12), new(12, 14), new(10, 4), new(8, 15), new(18, 7), new(11, 8)];

    [Fact]
    public void Phq9_rates_follow_nhs_talking_therapies_with_recovery_over_cases_at_the_start()
    {
        var o = OutcomeStatistics.ForMeasure(StandardMeasure.Phq9, Cohort);

        Assert.Equal(7, o.People.Value);
        Assert.Equal((3, 7), (o.ReliableImprovement.Numerator, o.ReliableImprovement.Denominator));
        Assert.Equal("43%", o.ReliableImprovement.Text);
        Assert.Equal((1, 7), (o.ReliableDeterioration.Numerator, o.ReliableDeterioration.Denominator));
        Assert.Equal("14%", o.ReliableDeterioration.Text);
        // Six were cases at the start (20, 15, 12, 10, 18, 11); three ended below 10, two of them with reliable improvement.
        Assert.Equal((3, 6), (o.Recovery.Numerator, o.Recovery.Denominator));
        Assert.Equal("50%", o.Recovery.Text);
        Assert.Equal((2, 6), (o.ReliableRecovery.Numerator, o.ReliableRecovery.Denominator));
        Assert.Equal("33%", o.ReliableRecovery.Text);
        Assert.Equal("13.4", o.MeanFirst!.Text);
        Assert.Equal("10.0", o.MeanLast!.Text);
    }

    [Fact]
    public void Effect_size_is_cohens_d_with_the_pre_sd_and_a_95_percent_interval()
    {
        // mean first 13.4286, mean last 10.0, SD(first) 4.39155, d = 0.78072;
        // r(first, last) = -0.17259; SE = sqrt(2(1 - r)/n + d^2/(2n)) = 0.61527.
        var e = OutcomeStatistics.EffectSize(Cohort);

        Assert.Equal(0.78072, e.D!.Value, 4);
        Assert.Equal(-0.42522, e.Lower!.Value, 4);
        Assert.Equal(1.98666, e.Upper!.Value, 4);
        Assert.Equal(7, e.N);
        Assert.Equal("0.78 (95% CI -0.43 to 1.99)", e.Text);
    }

    [Fact]
    public void Gad7_uses_its_own_thresholds()
    {
        // 12->8 improvement (fall 4) and recovery (8 is still a case: no); 9->7 recovery, not reliable;
        // 7->11 deterioration; 14->5 reliable recovery; 10->9 nothing.
        ScorePair[] pairs = [new(12, 8), new(9, 7), new(7, 11), new(14, 5), new(10, 9)];
        var o = OutcomeStatistics.ForMeasure(StandardMeasure.Gad7, pairs);

        Assert.Equal("40%", o.ReliableImprovement.Text);
        Assert.Equal("20%", o.ReliableDeterioration.Text);
        // Cases at the start: 12, 9, 14, 10 = 4 people: fewer than 5, so recovery is not shown.
        Assert.True(o.Recovery.Suppressed);
        Assert.Equal("fewer than 5", o.Recovery.Text);
        Assert.Null(o.Recovery.Value);
        Assert.Null(o.Recovery.Numerator);
    }

    [Fact]
    public void Paired_rule_counts_a_mixed_result_as_neither_and_uses_either_measure_alone()
    {
        var o = OutcomeStatistics.Paired(
        [
            (new ScorePair(16, 8), new ScorePair(12, 6)),   // both improve, both below caseness: reliable recovery
            (new ScorePair(16, 8), new ScorePair(6, 11)),   // PHQ-9 improves, GAD-7 worsens: mixed, neither
            (new ScorePair(12, 9), null),                   // PHQ-9 only: recovery without reliable change
            (null, new ScorePair(15, 10)),                  // GAD-7 only: reliable improvement, still a case
            (new ScorePair(5, 6), new ScorePair(4, 4)),     // not a case at the start
            (null, null),                                   // nothing measured twice: not counted
        ]);

        Assert.Equal(5, o.People.Value);
        Assert.Equal((2, 5), (o.ReliableImprovement.Numerator, o.ReliableImprovement.Denominator));
        Assert.Equal((0, 5), (o.ReliableDeterioration.Numerator, o.ReliableDeterioration.Denominator));
        Assert.Null(o.EffectSize);
        // Four cases at the start: fewer than 5, suppressed.
        Assert.True(o.Recovery.Suppressed);
    }

    [Fact]
    public void Fewer_than_five_people_are_never_shown_and_five_are()
    {
        var four = OutcomeStatistics.ForMeasure(StandardMeasure.Phq9, Cohort.Take(4).ToList());
        Assert.True(four.People.Suppressed);
        Assert.Equal("fewer than 5", four.People.Text);
        Assert.Null(four.People.Value);
        Assert.All(new[] { four.ReliableImprovement, four.ReliableDeterioration, four.Recovery, four.ReliableRecovery }, r =>
        {
            Assert.True(r.Suppressed);
            Assert.Null(r.Value);
            Assert.Null(r.Numerator);
        });
        Assert.True(four.EffectSize!.Suppressed);
        Assert.Null(four.EffectSize.D);
        Assert.True(four.MeanFirst!.Suppressed);

        var five = OutcomeStatistics.ForMeasure(StandardMeasure.Phq9, Cohort.Take(5).ToList());
        Assert.False(five.People.Suppressed);
        Assert.Equal("40%", five.ReliableImprovement.Text);

        Assert.Equal("fewer than 5", OutcomeStatistics.Count(1).Text);
        Assert.Equal("fewer than 5", OutcomeStatistics.Count(4).Text);
        Assert.Equal("5", OutcomeStatistics.Count(5).Text);
        Assert.Equal("0", OutcomeStatistics.Count(0).Text);
        Assert.True(OutcomeStatistics.Mean([1, 2, 3, 4]).Suppressed);
        Assert.Equal("2.5", OutcomeStatistics.Mean([1, 2, 3, 4, 2.5]).Text);
    }

    [Fact]
    public void Empty_groups_and_degenerate_spreads_give_clear_text_never_nan()
    {
        var none = OutcomeStatistics.ForMeasure(StandardMeasure.Phq9, []);
        Assert.Equal("0", none.People.Text);
        Assert.Equal("no data yet", none.ReliableImprovement.Text);
        Assert.Null(none.ReliableImprovement.Value);
        Assert.Equal("no data yet", none.EffectSize!.Text);
        Assert.Equal("no data yet", OutcomeStatistics.Mean([]).Text);
        Assert.Equal("no data yet", OutcomeStatistics.Dropout([]).Text);

        // Everyone started at 12: no SD, so no d.
        var flat = OutcomeStatistics.EffectSize([new(12, 5), new(12, 8), new(12, 6), new(12, 12), new(12, 3)]);
        Assert.Null(flat.D);
        Assert.Contains("not defined", flat.Text, StringComparison.Ordinal);

        // Everyone ended at 4: d exists, r does not, so no interval.
        var sameEnd = OutcomeStatistics.EffectSize([new(12, 4), new(15, 4), new(18, 4), new(10, 4), new(20, 4)]);
        Assert.NotNull(sameEnd.D);
        Assert.Null(sameEnd.Lower);
        Assert.False(double.IsNaN(sameEnd.D!.Value));
        Assert.DoesNotContain("NaN", sameEnd.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_is_the_share_of_ended_engagements_with_fewer_than_three_held_sessions()
    {
        var dropout = OutcomeStatistics.Dropout([0, 1, 2, 3, 12, 8]);
        Assert.Equal((3, 6), (dropout.Numerator, dropout.Denominator));
        Assert.Equal("50%", dropout.Text);
        Assert.True(OutcomeStatistics.Dropout([1, 2, 8, 9]).Suppressed);
    }

    [Fact]
    public void Buckets_are_months_then_quarters_then_years_and_cover_the_period_exactly()
    {
        var months = PracticeOutcomes.Buckets(new DateOnly(2025, 11, 27), new DateOnly(2026, 11, 26)).ToList();
        Assert.Equal(13, months.Count);
        Assert.Equal(("Nov 2025", new DateOnly(2025, 11, 27), new DateOnly(2025, 11, 30)), months[0]);
        Assert.Equal(("Nov 2026", new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 26)), months[^1]);

        var quarters = PracticeOutcomes.Buckets(new DateOnly(2024, 2, 10), new DateOnly(2026, 1, 5)).ToList();
        Assert.Equal("Q1 2024", quarters[0].Label);
        Assert.Equal(new DateOnly(2024, 2, 10), quarters[0].From);
        Assert.Equal("Q1 2026", quarters[^1].Label);
        Assert.Equal(new DateOnly(2026, 1, 5), quarters[^1].To);

        var years = PracticeOutcomes.Buckets(new DateOnly(2020, 6, 1), new DateOnly(2026, 6, 1)).ToList();
        Assert.Equal(7, years.Count);
        Assert.Equal("2020", years[0].Label);
        for (var i = 1; i < years.Count; i++)
        {
            Assert.Equal(years[i - 1].To.AddDays(1), years[i].From);
        }
    }
}
