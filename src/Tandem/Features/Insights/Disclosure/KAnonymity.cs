namespace Tandem.Features.Insights.Disclosure;

/// <summary>
/// A column that describes a person or an engagement, with its ways of saying less: level 0 is
/// the exact value, each next level coarser, the last always the same for every row ("any").
/// </summary>
public sealed record QuasiIdentifier<T>(string Column, int Weight, IReadOnlyList<Func<T, string>> Levels);

/// <summary>How a file was made k-anonymous: the level chosen for each column, and the rows left out.</summary>
public sealed record Generalisation(IReadOnlyList<int> Levels, IReadOnlySet<int> Withheld)
{
    public string Describe<T>(IReadOnlyList<QuasiIdentifier<T>> columns, Func<string, int, string> levelName) =>
        string.Join("; ", columns.Select((c, i) => (c, i)).Where(x => Levels[x.i] > 0).Select(x => levelName(x.c.Column, Levels[x.i])));
}

/// <summary>
/// k-anonymity by full-domain generalisation (Samarati and Sweeney): every combination of the
/// quasi-identifier columns in the file is shared by at least k rows, so joining the file with a
/// list of people (names, format, start date, therapist, status) never singles one out. Every
/// combination of column levels is tried (a few thousand at most) and the one that says most is
/// kept: each level costs the column's weight, each row left out costs more. Rows still in a
/// combination of fewer than k are left out, and only in numbers that cannot point to anyone
/// either: within each report group the rows left out are none or at least k, so the report's
/// figures minus the file's rows never describe fewer than k people.
/// </summary>
public static class KAnonymity
{
    public const int K = 5;

    /// <param name="rows">The file's rows.</param>
    /// <param name="columns">The quasi-identifiers.</param>
    /// <param name="reportGroups">The report groups a row falls in (its figures could be compared with the file's).</param>
    /// <param name="withheldCost">What leaving one row out costs, against one level of a weight-1 column.</param>
    public static Generalisation? Solve<T>(IReadOnlyList<T> rows, IReadOnlyList<QuasiIdentifier<T>> columns, Func<T, IEnumerable<string>> reportGroups, int withheldCost = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(reportGroups);
        if (rows.Count < K)
        {
            return null;
        }

        var groupsOf = rows.Select(r => reportGroups(r).ToList()).ToList();
        Generalisation? best = null;
        var bestCost = int.MaxValue;
        foreach (var levels in Lattice(columns.Select(c => c.Levels.Count).ToList()))
        {
            var classes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < rows.Count; i++)
            {
                var key = string.Join('\u001f', columns.Select((c, j) => c.Levels[levels[j]](rows[i])));
                if (!classes.TryGetValue(key, out var members))
                {
                    classes[key] = members = [];
                }

                members.Add(i);
            }

            var withheld = classes.Values.Where(m => m.Count < K).SelectMany(m => m).ToHashSet();
            if (rows.Count - withheld.Count < K || !SafeToWithhold(withheld, groupsOf))
            {
                continue;
            }

            var cost = columns.Select((c, j) => c.Weight * levels[j]).Sum() + (withheldCost * withheld.Count);
            if (cost < bestCost)
            {
                best = new Generalisation(levels, withheld);
                bestCost = cost;
            }
        }

        return best;
    }

    /// <summary>Within every report group, none or at least k rows are left out.</summary>
    private static bool SafeToWithhold(HashSet<int> withheld, List<List<string>> groupsOf)
    {
        if (withheld.Count == 0)
        {
            return true;
        }

        var perGroup = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in withheld)
        {
            foreach (var g in groupsOf[i])
            {
                perGroup[g] = perGroup.GetValueOrDefault(g) + 1;
            }
        }

        return perGroup.Values.All(n => n >= K);
    }

    private static IEnumerable<int[]> Lattice(List<int> sizes)
    {
        var levels = new int[sizes.Count];
        while (true)
        {
            yield return (int[])levels.Clone();
            var i = 0;
            while (i < levels.Length && ++levels[i] == sizes[i])
            {
                levels[i] = 0;
                i++;
            }

            if (i == levels.Length)
            {
                yield break;
            }
        }
    }

    /// <summary>The size of the smallest combination of the given columns in the rows kept (for tests and the file's note).</summary>
    public static int SmallestClass<T>(IEnumerable<T> rows, Func<T, string> key) =>
        rows.GroupBy(key, StringComparer.Ordinal).Select(g => g.Count()).DefaultIfEmpty(0).Min();
}
