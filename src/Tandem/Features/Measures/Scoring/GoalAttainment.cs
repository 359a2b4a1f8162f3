namespace Tandem.Features.Measures.Scoring;

/// <summary>
/// Goal Attainment Scaling (Kiresuk and Sherman): each goal scored -2..+2 (0 = the expected
/// outcome), optionally weighted. T = 50 + 10 * sum(w x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2),
/// with rho = 0.30. Three unweighted goals all at +1 give 63.69.
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
            throw new ArgumentException("Scores run from -2 to +2 and weights are positive.", nameof(goals));
        }

        var weighted = goals.Sum(g => g.Weight * g.Score);
        var sumSquares = goals.Sum(g => g.Weight * g.Weight);
        var sum = goals.Sum(g => g.Weight);
        return 50 + (10 * weighted / Math.Sqrt(((1 - Rho) * sumSquares) + (Rho * sum * sum)));
    }

    public static double TScore(params int[] unweighted) => TScore(unweighted.Select(s => (s, 1.0)).ToList());
}
