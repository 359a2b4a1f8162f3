using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Measures;

public sealed class ChangeRulesTests
{
    [Fact]
    public void Reliable_improvement_on_one_measure_and_no_deterioration_on_the_other_is_reliable_improvement()
    {
        var outcome = ChangeRules.Paired(new MeasurePair(16, 10), new MeasurePair(9, 8));
        Assert.Equal(ReliableChange.Improvement, outcome.Change);
    }

    [Fact]
    public void Deterioration_on_either_measure_is_reliable_deterioration()
    {
        Assert.Equal(ReliableChange.Deterioration, ChangeRules.Paired(new MeasurePair(8, 14), new MeasurePair(5, 5)).Change);
        Assert.Equal(ReliableChange.Deterioration, ChangeRules.Paired(new MeasurePair(8, 8), new MeasurePair(5, 9)).Change);
    }

    [Fact]
    public void Changes_below_both_thresholds_are_no_reliable_change()
    {
        Assert.Equal(ReliableChange.None, ChangeRules.Paired(new MeasurePair(16, 11), new MeasurePair(12, 9)).Change);
    }

    [Fact]
    public void Recovery_needs_caseness_at_the_start_and_below_caseness_on_both_at_the_end()
    {
        // Case on PHQ-9 only at the start; below caseness on both at the end; the fall of 5 is not reliable.
        var recovered = ChangeRules.Paired(new MeasurePair(12, 7), new MeasurePair(6, 6));
        Assert.Equal(RecoveryStatus.Recovered, recovered.Recovery);
        Assert.Equal(ReliableChange.None, recovered.Change);

        // GAD-7 still at caseness (8) at the end: not recovered, even though PHQ-9 fell reliably.
        var notRecovered = ChangeRules.Paired(new MeasurePair(18, 9), new MeasurePair(8, 8));
        Assert.Equal(RecoveryStatus.NotRecovered, notRecovered.Recovery);
        Assert.Equal(ReliableChange.Improvement, notRecovered.Change);
    }

    [Fact]
    public void Recovery_does_not_apply_when_neither_measure_was_at_caseness_at_the_start()
    {
        var outcome = ChangeRules.Paired(new MeasurePair(9, 2), new MeasurePair(7, 1));
        Assert.False(outcome.CaseAtStart);
        Assert.Equal(RecoveryStatus.NotApplicable, outcome.Recovery);
        Assert.Equal(ReliableChange.Improvement, outcome.Change);
    }

    [Fact]
    public void Reliable_recovery_is_recovery_plus_reliable_improvement()
    {
        var outcome = ChangeRules.Paired(new MeasurePair(16, 6), new MeasurePair(13, 5));
        Assert.Equal(RecoveryStatus.ReliablyRecovered, outcome.Recovery);
    }

    [Fact]
    public void Reliable_recovery_on_the_exact_thresholds()
    {
        // PHQ-9 16 -> 9 is a fall of 7 (reliable) and 9 is just below caseness; GAD-7 10 -> 7 is just below caseness.
        Assert.Equal(RecoveryStatus.ReliablyRecovered, ChangeRules.Paired(new MeasurePair(16, 9), new MeasurePair(10, 7)).Recovery);
        // PHQ-9 15 -> 10 stays at caseness.
        Assert.Equal(RecoveryStatus.NotRecovered, ChangeRules.Paired(new MeasurePair(15, 10), new MeasurePair(10, 7)).Recovery);
    }

    [Fact]
    public void One_measure_alone_follows_the_same_rules()
    {
        Assert.Equal(RecoveryStatus.ReliablyRecovered, ChangeRules.ForOne(StandardMeasure.Gad7, new MeasurePair(12, 7)).Recovery);
        Assert.Equal(RecoveryStatus.Recovered, ChangeRules.ForOne(StandardMeasure.Gad7, new MeasurePair(9, 7)).Recovery);
    }
}
