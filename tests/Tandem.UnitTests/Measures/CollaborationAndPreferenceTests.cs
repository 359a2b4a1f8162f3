using Tandem.Features.Engagements;
using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Measures;

public sealed class CollaborationAndPreferenceTests
{
    private static List<(string, string, int)> Items(params int[] values) =>
        values.Select((v, i) => ((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"Item {i + 1}", v)).ToList();

    [Fact]
    public void Collaboration_total_is_the_sum_of_seven_items_0_to_28()
    {
        Assert.Equal(28, CollaborationScoring.Score(Items(4, 4, 4, 4, 4, 4, 4), []).Total);
        Assert.Equal(14, CollaborationScoring.Score(Items(2, 2, 2, 2, 2, 2, 2), []).Total);
    }

    [Fact]
    public void An_item_at_1_or_below_is_a_concern_and_2_is_not()
    {
        Assert.False(CollaborationScoring.Score(Items(2, 2, 2, 2, 2, 2, 2), []).IsConcern);
        var one = CollaborationScoring.Score(Items(4, 4, 1, 4, 4, 4, 4), []);
        Assert.True(one.IsConcern);
        Assert.Contains("Item 3", one.Concerns.Single(), StringComparison.Ordinal);
        Assert.True(CollaborationScoring.Score(Items(0, 4, 4, 4, 4, 4, 4), []).IsConcern);
    }

    [Fact]
    public void A_total_4_or_more_below_the_running_mean_is_a_concern_and_3_below_is_not()
    {
        int[] earlier = [24, 26]; // running mean 25
        Assert.True(CollaborationScoring.Score(Items(3, 3, 3, 3, 3, 3, 3), earlier).IsConcern);   // 21 = 25 - 4
        Assert.False(CollaborationScoring.Score(Items(3, 3, 3, 3, 3, 3, 4), earlier).IsConcern);  // 22 = 25 - 3
    }

    [Fact]
    public void The_running_mean_needs_at_least_two_earlier_checks()
    {
        Assert.False(CollaborationScoring.Score(Items(2, 2, 2, 2, 2, 2, 2), [28]).IsConcern);
        Assert.Null(CollaborationScoring.RunningMean([28]));
        Assert.Equal(27, CollaborationScoring.RunningMean([28, 26]));
    }

    [Fact]
    public void Preference_means_per_dimension_and_strong_at_1_5()
    {
        var result = PreferenceScoring.Score(
        [
            (PreferenceDimension.Directiveness, -3), (PreferenceDimension.Directiveness, -2), (PreferenceDimension.Directiveness, -1), (PreferenceDimension.Directiveness, 0),
            (PreferenceDimension.EmotionalIntensity, 1),
            (PreferenceDimension.PastVsPresent, 2),
            (PreferenceDimension.SupportVsChallenge, -2),
        ]);
        var d = result.Dimensions.ToDictionary(x => x.Dimension);
        Assert.Equal(-1.5, d[PreferenceDimension.Directiveness].Mean);
        Assert.True(d[PreferenceDimension.Directiveness].IsStrong);
        Assert.False(d[PreferenceDimension.EmotionalIntensity].IsStrong);
        Assert.True(d[PreferenceDimension.PastVsPresent].IsStrong);
        Assert.True(d[PreferenceDimension.SupportVsChallenge].IsStrong);
        Assert.Equal(EngagementFormat.TherapistLed, result.SuggestedFormat);
    }

    [Fact]
    public void A_strong_wish_to_lead_suggests_client_led_and_a_mild_one_suggests_nothing()
    {
        Assert.Equal(EngagementFormat.ClientLed, PreferenceScoring.Score([(PreferenceDimension.Directiveness, 2), (PreferenceDimension.Directiveness, 1)]).SuggestedFormat);
        var mild = PreferenceScoring.Score([(PreferenceDimension.Directiveness, 2), (PreferenceDimension.Directiveness, 0)]);
        Assert.Equal(1, mild.Dimensions.Single().Mean);
        Assert.Null(mild.SuggestedFormat);
        Assert.Null(PreferenceScoring.Score([(PreferenceDimension.Directiveness, -1), (PreferenceDimension.Directiveness, -1), (PreferenceDimension.Directiveness, -2), (PreferenceDimension.Directiveness, -1)]).SuggestedFormat);
    }
}
