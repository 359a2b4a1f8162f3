using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Measures;

public sealed class AlertRuleTests
{
    private static AlertKind[] Kinds(StandardMeasure m, params int[] totals) => AlertRules.ForSeries(m, totals).Select(r => r.Kind).ToArray();

    [Fact]
    public void Not_on_track_needs_four_measurements_no_reliable_improvement_and_caseness()
    {
        Assert.Empty(Kinds(StandardMeasure.Phq9, 14, 13, 14));
        Assert.Equal([AlertKind.NotOnTrack], Kinds(StandardMeasure.Phq9, 14, 13, 14, 12));
        // Reliable improvement (14 -> 8) ends it, and so does being below caseness.
        Assert.Empty(Kinds(StandardMeasure.Phq9, 14, 13, 12, 8));
        Assert.Empty(Kinds(StandardMeasure.Gad7, 9, 8, 8, 7));
        Assert.Equal([AlertKind.NotOnTrack], Kinds(StandardMeasure.Gad7, 9, 8, 8, 8));
    }

    [Fact]
    public void Deterioration_fires_on_a_reliable_rise_from_the_first_measurement()
    {
        Assert.Equal([AlertKind.Deterioration], Kinds(StandardMeasure.Phq9, 8, 14));
        Assert.Empty(Kinds(StandardMeasure.Phq9, 8, 13));
        Assert.Equal([AlertKind.Deterioration], Kinds(StandardMeasure.Gad7, 5, 9));
        var both = AlertRules.ForSeries(StandardMeasure.Phq9, [10, 11, 12, 16]);
        Assert.Equal([AlertKind.Deterioration, AlertKind.NotOnTrack], both.Select(r => r.Kind).ToArray());
        Assert.All(both, r => Assert.Contains("PHQ-9", r.Rule, StringComparison.Ordinal));
    }
}
