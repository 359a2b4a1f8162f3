using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Measures;

public sealed class SeverityTests
{
    [Theory]
    [InlineData(0, "minimal")]
    [InlineData(4, "minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "moderately severe")]
    [InlineData(19, "moderately severe")]
    [InlineData(20, "severe")]
    [InlineData(27, "severe")]
    public void PHQ_9_bands_change_exactly_at_the_published_boundaries(int total, string band) =>
        Assert.Equal(band, StandardMeasure.Phq9.Band(total).Name);

    [Theory]
    [InlineData(0, "minimal")]
    [InlineData(4, "minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "severe")]
    [InlineData(21, "severe")]
    public void GAD_7_bands_change_exactly_at_the_published_boundaries(int total, string band) =>
        Assert.Equal(band, StandardMeasure.Gad7.Band(total).Name);

    [Fact]
    public void Totals_outside_the_scale_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StandardMeasure.Phq9.Band(28));
        Assert.Throws<ArgumentOutOfRangeException>(() => StandardMeasure.Gad7.Band(22));
        Assert.Throws<ArgumentOutOfRangeException>(() => StandardMeasure.Gad7.Band(-1));
    }

    [Fact]
    public void Caseness_is_PHQ_9_10_or_more_and_GAD_7_8_or_more()
    {
        Assert.False(StandardMeasure.Phq9.IsCase(9));
        Assert.True(StandardMeasure.Phq9.IsCase(10));
        Assert.False(StandardMeasure.Gad7.IsCase(7));
        Assert.True(StandardMeasure.Gad7.IsCase(8));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(null, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void Item_9_above_0_is_a_risk_flag(int? item9, bool risk) => Assert.Equal(risk, RiskRule.IsRisk(item9));

    [Theory]
    [InlineData(20, 14, ReliableChange.Improvement)]
    [InlineData(20, 15, ReliableChange.None)]
    [InlineData(14, 20, ReliableChange.Deterioration)]
    [InlineData(15, 20, ReliableChange.None)]
    public void PHQ_9_reliable_change_is_a_change_of_6_or_more(int first, int latest, ReliableChange expected) =>
        Assert.Equal(expected, StandardMeasure.Phq9.Change(first, latest));

    [Theory]
    [InlineData(12, 8, ReliableChange.Improvement)]
    [InlineData(12, 9, ReliableChange.None)]
    [InlineData(8, 12, ReliableChange.Deterioration)]
    [InlineData(9, 12, ReliableChange.None)]
    public void GAD_7_reliable_change_is_a_change_of_4_or_more(int first, int latest, ReliableChange expected) =>
        Assert.Equal(expected, StandardMeasure.Gad7.Change(first, latest));
}
