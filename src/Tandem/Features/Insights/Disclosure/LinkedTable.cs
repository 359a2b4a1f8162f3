namespace Tandem.Features.Insights.Disclosure;

/// <summary>Why a cell of a table is not shown, which is also what a reader can know about its value.</summary>
public enum CellLabel
{
    /// <summary>Shown as it is.</summary>
    Shown,

    /// <summary>A count of 1 to 4 people ("fewer than 5"): a reader knows it is 1 to 4.</summary>
    FewerThanFive,

    /// <summary>In a group of fewer than 5 people, none of whose figures are shown: a reader knows it is 0 to 4.</summary>
    SmallGroup,

    /// <summary>Hidden so that a figure about fewer than 5 people cannot be worked out ("not shown"): 0 or 5 and more.</summary>
    Hidden,

    /// <summary>Never on any page (a therapist's single month): only known to be 0 or more.</summary>
    Never,
}

/// <summary>What kind of figure a position on the figure axis holds.</summary>
/// <param name="Name">For messages and tests.</param>
/// <param name="People">A count of people (the 1-4 rule applies); false for, e.g., sessions.</param>
/// <param name="Denominator">The figure this one is a share of, whose hiding hides it too.</param>
/// <param name="Weight">What hiding it costs beyond the usual: headline figures (how many courses) are kept in sight before their details.</param>
public sealed record FigureKind(string Name, bool People = true, int? Denominator = null, int Weight = 0);

/// <summary>A count not on the page but one subtraction away (e.g. "did not drop out" = ended - dropped out): it is protected like a shown count.</summary>
public sealed record Derived(string Name, IReadOnlyList<(int Figure, int Coefficient)> Terms);

/// <summary>
/// A table of counts along three axes (period x group x figure) whose sums are published
/// together, and the decision of which cells to show (docs/outcome-disclosure.md):
/// <list type="number">
/// <item>Primary suppression: a count of 1 to 4 people reads "fewer than 5"; a group of 1 to 4
/// people shows nothing; a share whose denominator is hidden is hidden.</item>
/// <item>Complementary suppression: every count of 1 to 4 people that could be worked out (a
/// hidden cell, a count one subtraction away, or the hidden remainder of a sum) must be movable
/// by a change of the hidden cells that keeps every published figure and sum the same and every
/// hidden value within what its label tells a reader. When none exists, more cells are hidden
/// (the cheapest set: small, detailed cells before totals).</item>
/// <item>Publication in blocks: periods are published when they end (a month, and with the last
/// month its quarter and year). A block may hide only its own cells, never one an earlier block
/// showed, so every decision stays as it was first published and two readings of the same
/// period, months apart, show the same cells.</item>
/// </list>
/// The guarantee: given every cell ever shown, the sums, and what each label says, no protected
/// count has only one possible value.
/// </summary>
public sealed class LinkedTable
{
    private readonly int[] _values;
    private readonly CellLabel[] _labels;
    private readonly bool[] _published;
    private readonly bool[] _explicitTarget;
    private readonly Dictionary<string, Move[]> _lastProtection = new(StringComparer.Ordinal);
    private readonly HashSet<string> _linearOnly = new(StringComparer.Ordinal);
    private readonly HashSet<string> _givenUp = new(StringComparer.Ordinal);
    private int _block = -1;
    private readonly Dictionary<(int Axis, int Index), IReadOnlyList<Move>> _moves = [];
    private readonly int[] _blockOf;

    public LinkedTable(Axis periods, Axis groups, IReadOnlyList<FigureKind> figures, IReadOnlyList<Relation>? figureRelations = null, IReadOnlyList<Derived>? derived = null)
    {
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(figures);
        Periods = periods;
        Groups = groups;
        Figures = figures;
        FigureAxis = new Axis(figures.Select(f => f.Name).ToList(), figureRelations ?? []);
        DerivedCounts = derived ?? [];
        var size = periods.Size * groups.Size * figures.Count;
        _values = new int[size];
        _labels = new CellLabel[size];
        _published = new bool[periods.Size];
        _explicitTarget = new bool[size];
        _blockOf = Enumerable.Repeat(int.MaxValue, periods.Size).ToArray();
        Displayed = (_, _) => true;
    }

    public Axis Periods { get; }

    public Axis Groups { get; }

    public Axis FigureAxis { get; }

    public IReadOnlyList<FigureKind> Figures { get; }

    public IReadOnlyList<Derived> DerivedCounts { get; }

    /// <summary>Whether a group's figures for a period appear anywhere (false: a therapist's single months).</summary>
    public Func<int, int, bool> Displayed { get; set; }

    /// <summary>The figure whose value 1 to 4 makes the whole group "fewer than 5" (e.g. courses finished).</summary>
    public int? GroupSize { get; set; }

    public int Index(int period, int group, int figure) => (((period * Groups.Size) + group) * Figures.Count) + figure;

    public (int Period, int Group, int Figure) Coordinates(int index)
    {
        var figure = index % Figures.Count;
        var rest = index / Figures.Count;
        return (rest / Groups.Size, rest % Groups.Size, figure);
    }

    public int this[int period, int group, int figure]
    {
        get => _values[Index(period, group, figure)];
        set => _values[Index(period, group, figure)] = value;
    }

    public CellLabel Label(int period, int group, int figure) => _labels[Index(period, group, figure)];

    public bool IsPublished(int period) => _published[period];

    /// <summary>
    /// Everything the decisions depend on (the axes, the values, which cells appear anywhere, and
    /// the blocks to publish), hashed: equal fingerprints give equal decisions, so they can be reused.
    /// </summary>
    public string Fingerprint(IEnumerable<int[]> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var text = new System.Text.StringBuilder();
        foreach (var axis in new[] { Periods, Groups, FigureAxis })
        {
            text.AppendJoin(',', axis.Names).Append('|');
            foreach (var r in axis.Relations)
            {
                text.Append(r.Total).Append('=').AppendJoin('+', r.Parts).Append(';');
            }

            text.Append('|');
        }

        foreach (var f in Figures)
        {
            text.Append(f.People).Append(f.Denominator).Append(':').Append(f.Weight).Append(',');
        }

        foreach (var d in DerivedCounts)
        {
            text.Append(d.Name).AppendJoin(',', d.Terms.Select(t => $"{t.Figure}*{t.Coefficient}")).Append(';');
        }

        text.Append(GroupSize).Append('|').AppendJoin(',', _values).Append('|');
        for (var p = 0; p < Periods.Size; p++)
        {
            for (var g = 0; g < Groups.Size; g++)
            {
                text.Append(Displayed(p, g) ? '1' : '0');
            }
        }

        text.Append('|').AppendJoin(',', _explicitTarget.Select(x => x ? 1 : 0)).Append('|');
        foreach (var b in blocks)
        {
            text.AppendJoin('+', b).Append(';');
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The decisions, to keep and to put back into an identical table.</summary>
    public (CellLabel[] Labels, bool[] Published) Decisions => ((CellLabel[])_labels.Clone(), (bool[])_published.Clone());

    public void Restore((CellLabel[] Labels, bool[] Published) decisions)
    {
        Array.Copy(decisions.Labels, _labels, _labels.Length);
        Array.Copy(decisions.Published, _published, _published.Length);
    }

    /// <summary>Counts no move could protect (expected 0; the tests' attacker checks every table).</summary>
    public int GivenUp => _givenUp.Count;

    /// <summary>Marks a cell that must be protected like a count of 1 to 4 people, whatever its value (sessions of fewer than 5 people).</summary>
    public void Protect(int period, int group, int figure) => _explicitTarget[Index(period, group, figure)] = true;

    /// <summary>Publishes the next block of periods (those that end together) and decides its cells.</summary>
    public void Publish(IReadOnlyCollection<int> periods)
    {
        ArgumentNullException.ThrowIfNull(periods);
        _block++;
        // Which period sums are complete changes with each block, and so do the moves along time.
        foreach (var key in _moves.Keys.Where(k => k.Axis == 0).ToList())
        {
            _moves.Remove(key);
        }

        foreach (var p in periods)
        {
            _published[p] = true;
            _blockOf[p] = _block;
        }

        foreach (var p in periods)
        {
            for (var g = 0; g < Groups.Size; g++)
            {
                Primary(p, g);
            }
        }

        for (var round = 0; round < 50; round++)
        {
            var changed = false;
            foreach (var target in Targets())
            {
                if (!IsProtected(target))
                {
                    changed |= ProtectTarget(target);
                }
            }

            if (!changed)
            {
                return;
            }
        }
    }

    /// <summary>Publishes one period at a time in the order given (for tables with no sums over time).</summary>
    public void PublishAll()
    {
        for (var p = 0; p < Periods.Size; p++)
        {
            Publish([p]);
        }
    }

    private void Primary(int p, int g)
    {
        var shown = Displayed(p, g);
        var small = GroupSize is { } size && _values[Index(p, g, size)] is >= 1 and <= 4;
        for (var f = 0; f < Figures.Count; f++)
        {
            var i = Index(p, g, f);
            _labels[i] = !shown ? CellLabel.Never
                : small ? CellLabel.SmallGroup
                : Figures[f].People && _values[i] is >= 1 and <= 4 ? CellLabel.FewerThanFive
                : _explicitTarget[i] ? CellLabel.Hidden
                : CellLabel.Shown;
        }

        HideDependents(p, g);
    }

    /// <summary>A share is not shown when its denominator is not.</summary>
    private void HideDependents(int p, int g)
    {
        bool again;
        do
        {
            again = false;
            for (var f = 0; f < Figures.Count; f++)
            {
                var i = Index(p, g, f);
                if (Figures[f].Denominator is { } d && _labels[i] == CellLabel.Shown && _labels[Index(p, g, d)] != CellLabel.Shown)
                {
                    _labels[i] = CellLabel.Hidden;
                    again = true;
                }
            }
        }
        while (again);
    }

    private bool IsHidden(int i) => _labels[i] != CellLabel.Shown;

    private bool Active(Relation r) => _published[r.Total] && r.Parts.All(p => _published[p]);

    /// <summary>A count a reader might work out: Σ coefficient x cell.</summary>
    private sealed record Target(string Key, IReadOnlyList<(int Cell, int Coefficient)> Terms);

    private List<Target> Targets()
    {
        var targets = new List<Target>();
        for (var p = 0; p < Periods.Size; p++)
        {
            if (!_published[p])
            {
                continue;
            }

            for (var g = 0; g < Groups.Size; g++)
            {
                for (var f = 0; f < Figures.Count; f++)
                {
                    var i = Index(p, g, f);
                    if (IsHidden(i) && ((Figures[f].People && _values[i] is >= 1 and <= 4) || _explicitTarget[i]))
                    {
                        targets.Add(new Target($"c{i}", [(i, 1)]));
                    }
                }

                foreach (var d in DerivedCounts)
                {
                    var terms = d.Terms.Select(t => (Index(p, g, t.Figure), t.Coefficient)).ToList();
                    if (terms.Sum(t => _values[t.Item1] * t.Coefficient) is >= 1 and <= 4)
                    {
                        targets.Add(new Target($"d{p}.{g}.{d.Name}", terms));
                    }
                }
            }
        }

        // The hidden remainder of a published sum: its hidden parts together.
        foreach (var r in Periods.Relations.Where(Active))
        {
            for (var g = 0; g < Groups.Size; g++)
            {
                for (var f = 0; f < Figures.Count; f++)
                {
                    AddRemainder(targets, r.Parts.Select(p => Index(p, g, f)), Figures[f].People);
                }
            }
        }

        for (var p = 0; p < Periods.Size; p++)
        {
            if (!_published[p])
            {
                continue;
            }

            foreach (var r in Groups.Relations)
            {
                for (var f = 0; f < Figures.Count; f++)
                {
                    AddRemainder(targets, r.Parts.Select(g => Index(p, g, f)), Figures[f].People);
                }
            }

            foreach (var r in FigureAxis.Relations)
            {
                for (var g = 0; g < Groups.Size; g++)
                {
                    AddRemainder(targets, r.Parts.Select(f => Index(p, g, f)), Figures[r.Total].People);
                }
            }
        }

        return targets;
    }

    private void AddRemainder(List<Target> targets, IEnumerable<int> parts, bool people)
    {
        if (!people)
        {
            return;
        }

        var hidden = parts.Where(IsHidden).ToList();
        if (hidden.Count >= 2 && hidden.Sum(i => _values[i]) is >= 1 and <= 4)
        {
            targets.Add(new Target($"r{string.Join(".", hidden)}", hidden.Select(i => (i, 1)).ToList()));
        }
    }

    /// <summary>Whether the move that protected the target last time still does (cheap; most targets pass here).</summary>
    private bool IsProtected(Target target)
    {
        if (_givenUp.Contains(target.Key))
        {
            return true;
        }

        // A move along time that balanced the sums published then may not balance a quarter or year published since.
        return _lastProtection.TryGetValue(target.Key, out var last) && Balanced(last[0])
            && Feasible(target, last, allowNew: false, bounds: !_linearOnly.Contains(target.Key), out _);
    }

    private bool Balanced(Move periodMove)
    {
        foreach (var (p, _) in periodMove.Entries)
        {
            foreach (var r in Periods.RelationsOf[p])
            {
                if (Active(r) && r.Parts.Sum(periodMove.SignAt) != periodMove.SignAt(r.Total))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Hides the cheapest set of this block's cells that lets a move change the target while every
    /// cell stays within what its label says. When the labels leave no such move (earlier blocks
    /// showed too much around it), a move that ignores the labels still removes every exact
    /// solution; failing that, the target's quarter and year of this block are hidden whole.
    /// </summary>
    /// <returns>Whether cells were hidden (false when a move over cells already hidden was found).</returns>
    private bool ProtectTarget(Target target)
    {
        _protecting = Describe(target);
        var (best, cost) = Cheapest(target, bounds: true);
        if (best is not null)
        {
            _linearOnly.Remove(target.Key);
        }
        else
        {
            (best, cost) = Cheapest(target, bounds: false);
            if (best is null)
            {
                HideAncestors(target);
                (best, cost) = Cheapest(target, bounds: false);
                cost = 1;
            }

            if (best is null)
            {
                _givenUp.Add(target.Key);
                return true;
            }

            _linearOnly.Add(target.Key);
        }

        _lastProtection[target.Key] = best;
        if (cost == 0)
        {
            return false;
        }

        foreach (var (cell, _) in Support(best))
        {
            HideNew(cell);
        }

        for (var p = 0; p < Periods.Size; p++)
        {
            if (_blockOf[p] == _block)
            {
                for (var g = 0; g < Groups.Size; g++)
                {
                    HideDependents(p, g);
                }
            }
        }

        return true;
    }

    private (Move[]? Move, double Cost) Cheapest(Target target, bool bounds)
    {
        // A move over cells already hidden costs nothing: look for one first, from the few smallest
        // moves of each axis to all of them with linked counts carried along (this fails fast, so it
        // is cheap), such as two small quarters hiding each other. Otherwise the cheapest among all
        // moves of each axis, then with linked counts carried along; the first of the two that finds
        // a move sparing the whole-practice figures wins. Pricing only the few smallest moves took
        // the first that spared them, often one hiding every format's reliable improvement when one
        // hiding "no reliable change" was there to be found (docs/outcome-disclosure.md).
        foreach (var tier in Tiers)
        {
            foreach (var move in Candidates(target, tier))
            {
                if (Feasible(target, move, allowNew: false, bounds, out _))
                {
                    return (move, 0);
                }
            }
        }

        (Move[]? Move, double Cost) best = (null, double.MaxValue);
        foreach (var tier in Tiers.Where(t => t.AllMoves))
        {
            var found = Cheapest(target, bounds, tier);
            if (found.Move is not null && found.Cost < best.Cost)
            {
                best = found;
            }

            if (best.Move is not null && best.Cost < OverallCost)
            {
                break;
            }
        }

        return best.Move is null ? (null, 0) : best;
    }

    private static readonly (bool AllMoves, bool Linked)[] Tiers = [(false, false), (true, false), (false, true), (true, true)];

    private const double OverallCost = 1000;

    private (Move[]? Move, double Cost) Cheapest(Target target, bool bounds, (bool AllMoves, bool Linked) tier)
    {
        var candidates = Candidates(target, tier).ToList();

        // Otherwise the cheapest that the labels allow (the label check is the expensive part, so it
        // runs only until one passes).
        var priced = new List<(double Cost, int Order, Move[] Move)>();
        foreach (var move in candidates)
        {
            if (Feasible(target, move, allowNew: true, bounds: false, out var cost))
            {
                priced.Add((cost, priced.Count, move));
            }
        }

        foreach (var (cost, _, move) in priced.OrderBy(x => x.Cost).ThenBy(x => x.Order))
        {
            if (!bounds || Feasible(target, move, allowNew: true, bounds: true, out _))
            {
                return (move, cost);
            }
        }

        return (null, 0);
    }

    /// <summary>Hides, for every group, the target's figures in the periods of this block that hold its periods.</summary>
    private void HideAncestors(Target target)
    {
        foreach (var (cell, _) in target.Terms)
        {
            var (p, _, f) = Coordinates(cell);
            var up = new HashSet<int> { p };
            bool grew;
            do
            {
                grew = false;
                foreach (var r in Periods.Relations)
                {
                    if (r.Parts.Any(up.Contains) && up.Add(r.Total))
                    {
                        grew = true;
                    }
                }
            }
            while (grew);
            foreach (var q in up.Where(q => _blockOf[q] == _block))
            {
                for (var g = 0; g < Groups.Size; g++)
                {
                    HideNew(Index(q, g, f));
                }
            }
        }
    }

    private void HideNew(int cell, string? why = null)
    {
        if (_labels[cell] == CellLabel.Shown)
        {
            _labels[cell] = CellLabel.Hidden;
            _why[cell] = why ?? _protecting ?? "";
        }
    }

    private readonly Dictionary<int, string> _why = [];
    private string? _protecting;

    /// <summary>Why a cell is hidden as a complement (the protected count's name), for tests and diagnostics.</summary>
    public string? Why(int period, int group, int figure) => _why.GetValueOrDefault(Index(period, group, figure));

    private string Describe(Target t) => string.Join(" + ", t.Terms.Select(x =>
    {
        var (p, g, f) = Coordinates(x.Cell);
        return $"{(x.Coefficient < 0 ? "-" : "")}{Periods.Names[p]}/{Groups.Names[g]}/{Figures[f].Name}";
    })) + (t.Key.StartsWith('d') ? $" ({t.Key[(t.Key.LastIndexOf('.') + 1)..]})" : "");

    /// <summary>
    /// Moves on the three axes (as [period move, group move, figure move]) that change the target:
    /// the few smallest of each axis, or all of them; with figure moves that carry linked counts
    /// along (courses with their scores, and so on) when <c>Linked</c>.
    /// </summary>
    private IEnumerable<Move[]> Candidates(Target target, (bool AllMoves, bool Linked) tier)
    {
        var coordinates = target.Terms.Select(t => Coordinates(t.Cell)).ToList();
        IReadOnlyList<Move> Of(int axis, IEnumerable<int> at, int few)
        {
            var moves = at.Distinct().SelectMany(i => MovesOf(axis, i, axis == 2 && tier.Linked)).Distinct().ToList();
            return tier.AllMoves ? moves : moves.Take(few).ToList();
        }

        var pm = Of(0, coordinates.Select(c => c.Period), 6);
        var gm = Of(1, coordinates.Select(c => c.Group), 8);
        var fm = Of(2, coordinates.Select(c => c.Figure), 8);
        foreach (var u in pm)
        {
            foreach (var v in gm)
            {
                foreach (var w in fm)
                {
                    Move[] move = [u, v, w];
                    if (Change(target, move) != 0)
                    {
                        yield return move;
                    }
                }
            }
        }
    }

    private IReadOnlyList<Move> MovesOf(int axis, int index, bool full)
    {
        var key = (axis, full && axis == 2 ? -1 - index : index);
        if (!_moves.TryGetValue(key, out var moves))
        {
            moves = axis switch
            {
                0 => Periods.MovesAt(index, Active),
                1 => Groups.MovesAt(index, _ => true),
                _ when !full => FigureAxis.MovesAt(index, _ => true),
                _ => FigureAxis.MovesAt(index, _ => true, DerivedCounts.Where(d => d.Terms.Count == 2).Select(d => (d.Terms[0].Figure, d.Terms[1].Figure)).ToList(), maxSupport: 7, maxMoves: 64),
            };
            _moves[key] = moves;
        }

        return moves;
    }

    private int Change(Target target, Move[] move)
    {
        var change = 0;
        foreach (var (cell, coefficient) in target.Terms)
        {
            var (p, g, f) = Coordinates(cell);
            change += coefficient * move[0].SignAt(p) * move[1].SignAt(g) * move[2].SignAt(f);
        }

        return change;
    }

    private IEnumerable<(int Cell, int Sign)> Support(Move[] move)
    {
        foreach (var (p, sp) in move[0].Entries)
        {
            foreach (var (g, sg) in move[1].Entries)
            {
                foreach (var (f, sf) in move[2].Entries)
                {
                    yield return (Index(p, g, f), sp * sg * sf);
                }
            }
        }
    }

    /// <summary>
    /// Whether the move keeps every cell it touches hidden and within what its label tells a
    /// reader for some step t ≠ 0; <paramref name="allowNew"/> lets it hide cells of the block
    /// being published (at a cost that prefers small, detailed cells to totals).
    /// </summary>
    private bool Feasible(Target target, Move[] move, bool allowNew, bool bounds, out double cost)
    {
        cost = 0;
        var (u, v, w) = (move[0].Entries, move[1].Entries, move[2].Entries);
        foreach (var (p, _) in u)
        {
            var thisBlock = _blockOf[p] == _block;
            foreach (var (g, _) in v)
            {
                foreach (var (f, _) in w)
                {
                    var i = Index(p, g, f);
                    if (IsHidden(i))
                    {
                        continue;
                    }

                    if (!allowNew || !thisBlock)
                    {
                        return false;
                    }

                    cost += Weight(p, g, f);
                }
            }
        }

        if (!bounds)
        {
            return true;
        }

        var support = new List<(int Cell, int Sign)>(u.Count * v.Count * w.Count);
        foreach (var (p, sp) in u)
        {
            foreach (var (g, sg) in v)
            {
                foreach (var (f, sf) in w)
                {
                    support.Add((Index(p, g, f), sp * sg * sf));
                }
            }
        }

        var targetValue = 0;
        foreach (var (cell, coefficient) in target.Terms)
        {
            targetValue += _values[cell] * coefficient;
        }

        var targetChange = Change(target, move);
        foreach (var t in Steps)
        {
            if (targetValue + (t * targetChange) < 0)
            {
                continue;
            }

            var ok = true;
            foreach (var (cell, sign) in support)
            {
                var label = _labels[cell] == CellLabel.Shown ? CellLabel.Hidden : _labels[cell];
                if (!Allowed(label, Figures[cell % Figures.Count].People, _values[cell] + (sign * t), cell))
                {
                    ok = false;
                    break;
                }
            }

            // Counts one subtraction away stay at 0 or more (only those the move touches can change).
            if (ok && DerivedCounts.Count > 0)
            {
                foreach (var (p, _) in u)
                {
                    foreach (var (g, _) in v)
                    {
                        foreach (var d in DerivedCounts)
                        {
                            if (!d.Terms.Any(x => move[2].SignAt(x.Figure) != 0))
                            {
                                continue;
                            }

                            var value = 0;
                            var delta = 0;
                            foreach (var (figure, c) in d.Terms)
                            {
                                var i = Index(p, g, figure);
                                value += _values[i] * c;
                                delta += c * SignOf(support, i);
                            }

                            if (value + (t * delta) < 0)
                            {
                                ok = false;
                                break;
                            }
                        }

                        if (!ok)
                        {
                            break;
                        }
                    }

                    if (!ok)
                    {
                        break;
                    }
                }
            }

            if (ok)
            {
                return true;
            }
        }

        return false;
    }

    private static readonly int[] Steps = [1, -1, 2, -2, 3, -3];

    private double Weight(int p, int g, int f) =>
        10 + Figures[f].Weight + (Math.Min(_values[Index(p, g, f)], 1000) / 10.0)
        + (g == 0 ? OverallCost : 0)
        + (IsTotal(Periods, p) ? 20 * Depth(p) : 0)
        + (IsTotal(Groups, g) ? 20 : 0)
        + (IsTotal(FigureAxis, f) ? 5 : 0);

    /// <summary>How many levels of sums sit below a period (a quarter 1, a year 2): the longer the period, the more its hiding costs.</summary>
    private int Depth(int p)
    {
        var depth = 0;
        foreach (var r in Periods.RelationsOf[p])
        {
            if (r.Total == p)
            {
                depth = Math.Max(depth, 1 + r.Parts.Max(Depth));
            }
        }

        return depth;
    }

    private static bool IsTotal(Axis axis, int i)
    {
        foreach (var r in axis.RelationsOf[i])
        {
            if (r.Total == i)
            {
                return true;
            }
        }

        return false;
    }

    private static int SignOf(List<(int Cell, int Sign)> support, int cell)
    {
        foreach (var (c, s) in support)
        {
            if (c == cell)
            {
                return s;
            }
        }

        return 0;
    }

    private bool Allowed(CellLabel label, bool people, int value, int cell) => label switch
    {
        CellLabel.FewerThanFive => value is >= 1 and <= 4,
        CellLabel.SmallGroup => value is >= 0 and <= 4 && !(GroupSize == Coordinates(cell).Figure && value == 0),
        CellLabel.Hidden => people ? value == 0 || value >= 5 : value >= 0,
        CellLabel.Never => value >= 0,
        _ => false,
    };
}
