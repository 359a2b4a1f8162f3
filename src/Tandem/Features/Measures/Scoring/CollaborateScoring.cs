namespace Tandem.Features.Measures.Scoring;

/// <summary>One CollaboRATE answer set: whether it is a top score, and the mean of its three items (0-9).</summary>
public sealed record CollaborateResult(int Total, bool IsTopScore, double Mean);

/// <summary>
/// CollaboRATE answers taken together: how many, how many were top scores, the share of top scores
/// (a whole percent) and the mean of the answer sets' means (one decimal).
/// </summary>
public sealed record CollaborateSummary(int Count, int TopScores, int? TopScorePercent, double? Mean)
{
    /// <summary>Fewer answers than the developers ask for before a score about a clinician, clinic or other group.</summary>
    public bool BelowGroupMinimum => Count < CollaborateScoring.GroupMinimum;
}

/// <summary>
/// CollaboRATE scoring as its developers publish it ("Scoring collaboRATE",
/// http://www.glynelwyn.com/scoring-collaborate.html; Barr et al. 2017, BMJ Open 7:e014681):
/// three items each 0 ("No effort was made") to 9 ("Every effort was made"); an answer set with
/// any item missing is left out. Top score: an answer set in which all three items are 9; the
/// CollaboRATE score is the percentage of answer sets that are top scores (the developers'
/// recommended method). Mean score: the mean of each answer set's three items, averaged over the
/// answer sets (0-9). The developers calculate a score for a clinician, clinic or other group only
/// from 25 or more complete answer sets (<see cref="GroupMinimum"/>).
/// </summary>
public static class CollaborateScoring
{
    public const int Items = 3;
    public const int MaxItem = 9;
    public const int TopTotal = Items * MaxItem;
    public const int GroupMinimum = 25;

    public static CollaborateResult Score(IReadOnlyList<int> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count != Items)
        {
            throw new ArgumentException("CollaboRATE has three items; a set with any missing is not scored.", nameof(items));
        }

        if (items.Any(i => i is < 0 or > MaxItem))
        {
            throw new ArgumentOutOfRangeException(nameof(items), "Each CollaboRATE item is answered 0 to 9.");
        }

        var total = items.Sum();
        return new CollaborateResult(total, items.All(i => i == MaxItem), total / (double)Items);
    }

    /// <summary>A stored total (the three items summed, 0-27) is a top score exactly when it is 27, since no item goes above 9.</summary>
    public static bool IsTopScore(int total) => total == TopTotal;

    /// <summary>The summary of complete answer sets, given each set's total (0-27).</summary>
    public static CollaborateSummary Summarise(IReadOnlyCollection<int> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        if (totals.Any(t => t is < 0 or > TopTotal))
        {
            throw new ArgumentOutOfRangeException(nameof(totals), "A CollaboRATE total is 0 to 27.");
        }

        if (totals.Count == 0)
        {
            return new CollaborateSummary(0, 0, null, null);
        }

        var top = totals.Count(IsTopScore);
        var percent = (int)Math.Round(100m * top / totals.Count, 0, MidpointRounding.AwayFromZero);
        // Decimal, so a mean that is exactly halfway (8.25) rounds up as people expect, not as binary fractions fall.
        var mean = Math.Round((decimal)totals.Sum() / (Items * totals.Count), 1, MidpointRounding.AwayFromZero);
        return new CollaborateSummary(totals.Count, top, percent, (double)mean);
    }
}
