namespace Tandem.Features.Measures.Scoring;

public sealed record CollaborationResult(int Total, IReadOnlyList<string> Concerns)
{
    public bool IsConcern => Concerns.Count > 0;
}

/// <summary>
/// Collaboration Check (Tandem's own, not validated): seven items 0-4, total 0-28.
/// Concern (ours): any item at 1 or below, or a total 4 or more below the engagement's own
/// running mean (the mean of that engagement's earlier client checks; it needs at least
/// <see cref="MinimumHistory"/> of them so one earlier check is not taken for a habit).
/// </summary>
public static class CollaborationScoring
{
    public const int Items = 7;
    public const int MaxItem = 4;
    public const int LowItem = 1;
    public const int DropFromMean = 4;
    public const int MinimumHistory = 2;

    public const string LowItemRule = "Collaboration Check: an item rated 1 (\"A little\") or lower (Tandem's own rule, not a validated threshold).";
    public const string DropRule = "Collaboration Check: a total 4 or more below this engagement's own running mean (Tandem's own rule, not a validated threshold).";

    public static CollaborationResult Score(IReadOnlyList<(string LinkId, string Text, int Value)> items, IReadOnlyList<int> earlierTotals)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(earlierTotals);
        if (items.Any(i => i.Value is < 0 or > MaxItem))
        {
            throw new ArgumentOutOfRangeException(nameof(items), "Each item is rated 0 to 4.");
        }

        var total = items.Sum(i => i.Value);
        var concerns = new List<string>();
        foreach (var item in items.Where(i => i.Value <= LowItem))
        {
            concerns.Add($"{LowItemRule} Item {item.LinkId}: \"{item.Text}\" rated {item.Value}.");
        }

        if (RunningMean(earlierTotals) is { } mean && Precision.AtLeast(mean - total, DropFromMean))
        {
            concerns.Add($"{DropRule} Total {total}, running mean {mean:0.0}.");
        }

        return new CollaborationResult(total, concerns);
    }

    public static double? RunningMean(IReadOnlyList<int> earlierTotals) =>
        earlierTotals.Count >= MinimumHistory ? earlierTotals.Average() : null;
}
