using Tandem.Features.Plans;

namespace Tandem.UnitTests.Plans;

public sealed class GoalAttainmentTests
{
    [Fact]
    public void Three_unweighted_goals_all_at_plus_one_give_63_69()
    {
        Assert.Equal(63.69, Math.Round(GoalAttainment.TScore([1, 1, 1]), 2));
    }

    [Fact]
    public void Everything_at_the_expected_outcome_is_50()
    {
        Assert.Equal(50, GoalAttainment.TScore([0, 0, 0, 0]), 10);
    }

    [Fact]
    public void Weights_count_and_the_scale_is_symmetric()
    {
        var up = GoalAttainment.TScore([(2, 2.0), (0, 1.0)]);
        var down = GoalAttainment.TScore([(-2, 2.0), (0, 1.0)]);
        Assert.Equal(100, up + down, 10);
        // Hand-worked: sum(w x) = 4; sqrt(0.7 * 5 + 0.3 * 9) = sqrt(6.2) = 2.4899799; T = 50 + 40 / 2.4899799 = 66.0644.
        Assert.Equal(66.0644, Math.Round(up, 4));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-3)]
    public void Scores_outside_minus_two_to_plus_two_are_refused(int score) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GoalAttainment.TScore([score]));
}
