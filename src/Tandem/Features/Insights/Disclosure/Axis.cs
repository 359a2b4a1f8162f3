namespace Tandem.Features.Insights.Disclosure;

/// <summary>"Total = the sum of its parts" along one axis of a table (a year and its quarters, all clients and the two formats...).</summary>
public sealed record Relation(int Total, IReadOnlyList<int> Parts);

/// <summary>
/// A change along one axis that keeps every sum on it the same: +1 here, -1 at a sibling, or +1 at a
/// part and at its total. Moves on the three axes multiply into a change of the whole table that
/// no published total can see; a hidden figure is safe when such a change can move it.
/// </summary>
public sealed record Move(IReadOnlyList<(int Index, int Sign)> Entries)
{
    public int SignAt(int index)
    {
        foreach (var (i, s) in Entries)
        {
            if (i == index)
            {
                return s;
            }
        }

        return 0;
    }
}

/// <summary>One axis of a linked table: named positions and the sums among them.</summary>
public sealed class Axis
{
    public Axis(IReadOnlyList<string> names, IReadOnlyList<Relation> relations)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(relations);
        Names = names;
        Relations = relations;
        var of = new List<Relation>[names.Count];
        for (var i = 0; i < of.Length; i++)
        {
            of[i] = [];
        }

        foreach (var r in relations)
        {
            of[r.Total].Add(r);
            foreach (var p in r.Parts)
            {
                of[p].Add(r);
            }
        }

        RelationsOf = of;
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<Relation> Relations { get; }

    public IReadOnlyList<List<Relation>> RelationsOf { get; }

    public int Size => Names.Count;

    /// <summary>An axis with one position and no sums (a snapshot in time, a single group).</summary>
    public static Axis One(string name) => new([name], []);

    /// <summary>
    /// The smallest moves with a non-zero entry at <paramref name="index"/> that keep every active
    /// sum balanced (inactive sums hold a position not yet published, which absorbs any change).
    /// Ordered by size, then by the positions' names (not their order, which a group added later
    /// would shift), so the choice is the same on every run.
    /// </summary>
    /// <param name="index">The position the move must change.</param>
    /// <param name="active">Which sums must stay balanced.</param>
    /// <param name="couplings">Pairs (a, b) whose difference a move may also keep as it is, by changing both alike
    /// (e.g. courses and courses with scores, so "courses without scores" does not go below 0).</param>
    /// <param name="maxSupport">At most this many positions.</param>
    /// <param name="maxMoves">At most this many moves.</param>
    public IReadOnlyList<Move> MovesAt(int index, Func<Relation, bool> active, IReadOnlyList<(int A, int B)>? couplings = null, int maxSupport = 5, int maxMoves = 48)
    {
        ArgumentNullException.ThrowIfNull(active);
        var found = new Dictionary<string, Move>(StringComparer.Ordinal);
        var assigned = new Dictionary<int, int> { [index] = 1 };
        Search(assigned, active, couplings ?? [], maxSupport, found, maxMoves * 4);
        return found.Values
            .OrderBy(m => m.Entries.Count)
            .ThenBy(m => string.Join(",", m.Entries.Select(e => Names[e.Index] + (e.Sign > 0 ? "+" : "-"))), StringComparer.Ordinal)
            .Take(maxMoves)
            .ToList();
    }

    private void Search(Dictionary<int, int> assigned, Func<Relation, bool> active, IReadOnlyList<(int A, int B)> couplings, int maxSupport, Dictionary<string, Move> found, int cap)
    {
        if (found.Count >= cap)
        {
            return;
        }

        Relation? open = null;
        var balance = 0;
        foreach (var node in assigned.Keys.Order())
        {
            foreach (var r in RelationsOf[node])
            {
                if (!active(r))
                {
                    continue;
                }

                var b = r.Parts.Sum(p => assigned.GetValueOrDefault(p)) - assigned.GetValueOrDefault(r.Total);
                if (b != 0)
                {
                    open = r;
                    balance = b;
                    break;
                }
            }

            if (open is not null)
            {
                break;
            }
        }

        if (open is null)
        {
            var entries = assigned.OrderBy(a => a.Key).Select(a => (a.Key, a.Value)).ToList();
            found.TryAdd(string.Join(",", entries.Select(e => $"{e.Key}:{e.Value}")), new Move(entries));
            if (assigned.Count >= maxSupport)
            {
                return;
            }

            // Also the moves that keep a coupled difference as it is.
            foreach (var (a, b) in couplings)
            {
                var (da, db) = (assigned.GetValueOrDefault(a), assigned.GetValueOrDefault(b));
                if (da == db || (assigned.ContainsKey(a) && assigned.ContainsKey(b)))
                {
                    continue;
                }

                var (node, sign) = assigned.ContainsKey(a) ? (b, da) : (a, db);
                assigned[node] = sign;
                Search(assigned, active, couplings, maxSupport, found, cap);
                assigned.Remove(node);
            }

            return;
        }

        if (assigned.Count >= maxSupport || Math.Abs(balance) != 1)
        {
            return;
        }

        foreach (var node in open.Parts.Append(open.Total))
        {
            if (assigned.ContainsKey(node))
            {
                continue;
            }

            assigned[node] = node == open.Total ? balance : -balance;
            Search(assigned, active, couplings, maxSupport, found, cap);
            assigned.Remove(node);
        }
    }
}
