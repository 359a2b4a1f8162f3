using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Measures;

/// <summary>Issue 18: the published rules at their boundaries (paired measures, relapse, precision).</summary>
public sealed class ClinicalSafetyRuleTests
{
    [Fact]
    public void A_reliable_fall_on_one_measure_and_a_reliable_rise_on_the_other_is_mixed_not_deterioration()
    {
        var outcome = ChangeRules.Paired(new MeasurePair(16, 10), new MeasurePair(6, 10));
        Assert.Equal(ReliableChange.Mixed, outcome.Change);
        Assert.True(outcome.AnyReliableRise);
        Assert.Equal(["GAD-7"], outcome.ReliableRiseOn);
        Assert.NotEqual(RecoveryStatus.ReliablyRecovered, outcome.Recovery);
    }

    [Fact]
    public void A_reliable_rise_on_one_measure_and_none_on_the_other_is_deterioration_and_stays_visible()
    {
        var outcome = ChangeRules.Paired(new MeasurePair(8, 14), new MeasurePair(5, 5));
        Assert.Equal(ReliableChange.Deterioration, outcome.Change);
        Assert.True(outcome.AnyReliableRise);
        Assert.Equal(["PHQ-9"], outcome.ReliableRiseOn);
        Assert.False(ChangeRules.Paired(new MeasurePair(16, 10), new MeasurePair(9, 8)).AnyReliableRise);
    }

    [Fact]
    public void A_lone_score_counts_as_first_and_last_in_paired_recovery()
    {
        // PHQ-9 12 -> 4 with a single GAD-7 of 15: the only GAD-7 on record is at caseness, so not recovered.
        var outcome = ChangeRules.Paired(new MeasurePair(12, 4), MeasurePair.OneScore(15));
        Assert.Equal(RecoveryStatus.NotRecovered, outcome.Recovery);
        Assert.True(outcome.CaseAtEnd);
        Assert.Equal(ReliableChange.Improvement, outcome.Change);
    }

    [Theory]
    // PHQ-9 reliable change is 6: 5 is below, 6 at, 7 above.
    [InlineData(15, 10, ReliableChange.None)]
    [InlineData(15, 9, ReliableChange.Improvement)]
    [InlineData(15, 8, ReliableChange.Improvement)]
    [InlineData(10, 15, ReliableChange.None)]
    [InlineData(10, 16, ReliableChange.Deterioration)]
    [InlineData(10, 17, ReliableChange.Deterioration)]
    public void Phq9_reliable_change_at_its_boundary(int first, int last, ReliableChange expected) =>
        Assert.Equal(expected, StandardMeasure.Phq9.Change(first, last));

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(11, true)]
    public void Phq9_caseness_at_its_boundary(int total, bool expected) => Assert.Equal(expected, StandardMeasure.Phq9.IsCase(total));

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(9, true)]
    public void Gad7_caseness_at_its_boundary(int total, bool expected) => Assert.Equal(expected, StandardMeasure.Gad7.IsCase(total));

    [Theory]
    [InlineData(10, 7, ReliableChange.None)]
    [InlineData(10, 6, ReliableChange.Improvement)]
    [InlineData(10, 5, ReliableChange.Improvement)]
    [InlineData(6, 9, ReliableChange.None)]
    [InlineData(6, 10, ReliableChange.Deterioration)]
    public void Gad7_reliable_change_at_its_boundary(int first, int last, ReliableChange expected) =>
        Assert.Equal(expected, StandardMeasure.Gad7.Change(first, last));

    [Fact]
    public void Relapse_is_a_reliable_rise_from_the_lowest_score_so_far_even_when_first_to_latest_improved()
    {
        var fired = AlertRules.ForSeries(StandardMeasure.Phq9, [20, 8, 19]);
        var relapse = Assert.Single(fired, r => r.Kind == AlertKind.Relapse);
        Assert.Contains("8", relapse.Rule, StringComparison.Ordinal);
        Assert.DoesNotContain(fired, r => r.Kind == AlertKind.Deterioration);
    }

    [Theory]
    // Lowest so far 8: a rise of 5 is not reliable, 6 is, 7 is.
    [InlineData(13, false)]
    [InlineData(14, true)]
    [InlineData(15, true)]
    public void Relapse_at_its_boundary(int latest, bool fires) =>
        Assert.Equal(fires, AlertRules.ForSeries(StandardMeasure.Phq9, [20, 8, latest]).Any(r => r.Kind == AlertKind.Relapse));

    [Fact]
    public void A_rise_from_a_first_score_that_is_also_the_lowest_is_deterioration_not_a_second_relapse_alert()
    {
        var fired = AlertRules.ForSeries(StandardMeasure.Phq9, [8, 9, 14]);
        Assert.Contains(fired, r => r.Kind == AlertKind.Deterioration);
        Assert.DoesNotContain(fired, r => r.Kind == AlertKind.Relapse);
    }

    [Fact]
    public void Jacobson_Truax_rounds_the_index_before_comparing_so_float_noise_at_the_boundary_is_not_reliable()
    {
        // SD 1, r = 0.5: SE = sqrt(0.5), S_diff = 1; a change of 1.96 gives |RC| = 1.9600000000000002 in floating point.
        var norms = new InstrumentNorms(20, 1, 5, 1, 0.5);
        var at = JacobsonTruax.Evaluate(norms, 10, 10 - 1.96);
        Assert.False(at.IsReliable);
        Assert.True(JacobsonTruax.Evaluate(norms, 10, 10 - 1.97).IsReliable);
        Assert.False(JacobsonTruax.Evaluate(norms, 10, 10 - 1.95).IsReliable);
    }

    [Fact]
    public void Jacobson_Truax_cut_off_c_is_compared_at_two_decimals()
    {
        // c = (1 * 20 + 1 * 5) / 2 = 12.5; ending exactly on c has not crossed it.
        var norms = new InstrumentNorms(20, 1, 5, 1, 0.5);
        Assert.False(JacobsonTruax.Evaluate(norms, 20, 12.5).CrossedC);
        Assert.True(JacobsonTruax.Evaluate(norms, 20, 12.49).CrossedC);
    }

    [Fact]
    public void Preference_strength_is_compared_at_two_decimals()
    {
        // Three answers 1, 2, 1.5 are impossible; 3 items of 2, 1, 1.5 likewise: use 4 items (mean 1.5 exactly) and 3 items (1.33).
        var strong = PreferenceScoring.Score([(PreferenceDimension.Directiveness, 2), (PreferenceDimension.Directiveness, 1), (PreferenceDimension.Directiveness, 2), (PreferenceDimension.Directiveness, 1)]);
        Assert.True(strong.Dimensions.Single().IsStrong);
        var leaning = PreferenceScoring.Score([(PreferenceDimension.Directiveness, 2), (PreferenceDimension.Directiveness, 1), (PreferenceDimension.Directiveness, 1)]);
        Assert.False(leaning.Dimensions.Single().IsStrong);
    }

    [Theory]
    // Running mean of the earlier checks 20: a total 4 below (16) is a concern, 3 below (17) is not; 15 is.
    [InlineData(15, true)]
    [InlineData(16, true)]
    [InlineData(17, false)]
    public void A_collaboration_drop_at_its_boundary(int total, bool concern)
    {
        var items = Enumerable.Range(1, 7).Select(i => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), "item", i <= total % 7 ? (total / 7) + 1 : total / 7)).ToList();
        Assert.Equal(total, items.Sum(i => i.Item3));
        var result = CollaborationScoring.Score(items, [19, 21]);
        Assert.Equal(concern, result.Concerns.Any(c => c.StartsWith(CollaborationScoring.DropRule, StringComparison.Ordinal)));
    }
}
