using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Measures;

public sealed class CalculatorTests
{
    /// <summary>
    /// Worked by hand: norms M_dys 30, SD_dys 8, M_func 10, SD_func 6, r = 0.84 (lower is better).
    /// SE = 8 * sqrt(0.16) = 3.2; S_diff = sqrt(2 * 10.24) = sqrt(20.48) = 4.5255;
    /// a = 30 - 16 = 14; b = 10 + 12 = 22; c = (6*30 + 8*10) / 14 = 260 / 14 = 18.571.
    /// From 32 to 16: RC = -16 / 4.5255 = -3.536, reliable, and 16 &lt; c: recovered.
    /// </summary>
    private static readonly InstrumentNorms Norms = new(30, 8, 10, 6, 0.84);

    [Fact]
    public void Jacobson_Truax_matches_the_hand_worked_example()
    {
        var result = JacobsonTruax.Evaluate(Norms, 32, 16);
        Assert.Equal(3.2, result.StandardError, 4);
        Assert.Equal(4.5255, result.SDiff, 4);
        Assert.Equal(-3.5355, result.ReliableChangeIndex, 4);
        Assert.True(result.IsReliable);
        Assert.Equal(14, result.CutOffA, 4);
        Assert.Equal(22, result.CutOffB, 4);
        Assert.Equal(18.5714, result.CutOffC, 4);
        Assert.Equal(ClinicalOutcome.Recovered, result.Outcome);
    }

    [Fact]
    public void Jacobson_Truax_categories()
    {
        // A fall of 10: RC = -2.21, reliable, but 22 stays above c: improved.
        Assert.Equal(ClinicalOutcome.Improved, JacobsonTruax.Evaluate(Norms, 32, 22).Outcome);
        // A fall of 8: RC = -1.77, not reliable even though it ends below c: unchanged.
        Assert.Equal(ClinicalOutcome.Unchanged, JacobsonTruax.Evaluate(Norms, 26, 18).Outcome);
        // A rise of 9: RC = 1.99: deteriorated.
        Assert.Equal(ClinicalOutcome.Deteriorated, JacobsonTruax.Evaluate(Norms, 20, 29).Outcome);
    }

    [Fact]
    public void Jacobson_Truax_is_direction_aware_when_higher_is_better()
    {
        var wellbeing = new InstrumentNorms(MeanDysfunctional: 40, SdDysfunctional: 8, MeanFunctional: 60, SdFunctional: 6, Reliability: 0.84, LowerIsBetter: false);
        var result = JacobsonTruax.Evaluate(wellbeing, 38, 55);
        Assert.Equal(56, result.CutOffA, 4);
        Assert.Equal(48, result.CutOffB, 4);
        Assert.Equal(ClinicalOutcome.Recovered, result.Outcome);
        Assert.Equal(ClinicalOutcome.Deteriorated, JacobsonTruax.Evaluate(wellbeing, 50, 38).Outcome);
    }

    [Fact]
    public void Goal_attainment_of_three_unweighted_goals_at_plus_one_is_63_69()
    {
        Assert.Equal(63.69, GoalAttainment.TScore(1, 1, 1), 2);
        Assert.Equal(50, GoalAttainment.TScore(0, 0, 0), 6);
        Assert.Throws<ArgumentException>(() => GoalAttainment.TScore(3));
    }
}
