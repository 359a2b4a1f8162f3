namespace Tandem.Features.Plans;

/// <summary>
/// Goal Attainment Scaling (Kiresuk and Sherman): each goal scored -2..+2, 0 = the expected
/// outcome. T = 50 + 10 * sum(w_i x_i) / sqrt((1 - rho) * sum(w_i^2) + rho * (sum w_i)^2),
/// with rho = 0.30. Three unweighted goals all at +1 give T = 63.69 (DOMAIN.md).
/// </summary>
public static class GoalAttainment
{
    public const double Rho = 0.30;

    public static double TScore(IReadOnlyList<(int Score, double Weight)> goals)
    {
        ArgumentNullException.ThrowIfNull(goals);
        if (goals.Count == 0)
        {
            throw new ArgumentException("At least one goal is needed.", nameof(goals));
        }

        if (goals.Any(g => g.Score is < -2 or > 2 || g.Weight <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(goals), "Scores are -2..+2 and weights are positive.");
        }

        var weighted = goals.Sum(g => g.Weight * g.Score);
        var sumOfSquares = goals.Sum(g => g.Weight * g.Weight);
        var sum = goals.Sum(g => g.Weight);
        return 50 + (10 * weighted / Math.Sqrt(((1 - Rho) * sumOfSquares) + (Rho * sum * sum)));
    }

    public static double TScore(IEnumerable<int> unweightedScores) =>
        TScore(unweightedScores.Select(s => (s, 1.0)).ToList());
}
