using Tandem.Features.Insights.Disclosure;

namespace Tandem.UnitTests.Insights;

/// <summary>
/// An attacker written independently of the engine: knows every shown cell and every sum of a
/// disclosure-controlled table, and solves the linear system (Gaussian elimination) for any
/// count of 1 to 4 people (a hidden cell, a count one subtraction away, or the hidden parts of a
/// sum together). For tiny tables it also tries every value the labels allow (brute force), which
/// catches a value pinned by bounds rather than by the sums alone.
/// </summary>
internal static class Attacker
{
    private const double Eps = 1e-9;

    public static List<string> Derivable(LinkedTable t)
    {
        var size = t.Periods.Size * t.Groups.Size * t.Figures.Count;
        bool Known(int i)
        {
            var (p, g, f) = t.Coordinates(i);
            return t.IsPublished(p) && t.Label(p, g, f) == CellLabel.Shown;
        }

        var unknown = Enumerable.Range(0, size).Where(i => !Known(i)).ToList();
        var column = unknown.Select((cell, j) => (cell, j)).ToDictionary(x => x.cell, x => x.j);
        var rows = new List<double[]>();
        void Add(int total, IEnumerable<int> parts)
        {
            var row = new double[unknown.Count];
            if (column.TryGetValue(total, out var c))
            {
                row[c] -= 1;
            }

            foreach (var part in parts)
            {
                if (column.TryGetValue(part, out var pc))
                {
                    row[pc] += 1;
                }
            }

            if (row.Any(v => Math.Abs(v) > Eps))
            {
                rows.Add(row);
            }
        }

        for (var p = 0; p < t.Periods.Size; p++)
        {
            for (var g = 0; g < t.Groups.Size; g++)
            {
                for (var f = 0; f < t.Figures.Count; f++)
                {
                    foreach (var r in t.Periods.RelationsOf[p].Where(r => r.Total == p))
                    {
                        Add(t.Index(p, g, f), r.Parts.Select(x => t.Index(x, g, f)));
                    }

                    foreach (var r in t.Groups.RelationsOf[g].Where(r => r.Total == g))
                    {
                        Add(t.Index(p, g, f), r.Parts.Select(x => t.Index(p, x, f)));
                    }

                    foreach (var r in t.FigureAxis.RelationsOf[f].Where(r => r.Total == f))
                    {
                        Add(t.Index(p, g, f), r.Parts.Select(x => t.Index(p, g, x)));
                    }
                }
            }
        }

        var basis = Reduce(rows, unknown.Count);
        var findings = new List<string>();
        bool Solvable(IEnumerable<(int Cell, int Coefficient)> terms)
        {
            var v = new double[unknown.Count];
            var any = false;
            foreach (var (cell, coefficient) in terms)
            {
                if (column.TryGetValue(cell, out var c))
                {
                    v[c] += coefficient;
                    any = true;
                }
            }

            return !any || InSpan(basis, v);
        }

        for (var p = 0; p < t.Periods.Size; p++)
        {
            if (!t.IsPublished(p))
            {
                continue;
            }

            for (var g = 0; g < t.Groups.Size; g++)
            {
                for (var f = 0; f < t.Figures.Count; f++)
                {
                    var i = t.Index(p, g, f);
                    if (!Known(i) && t.Figures[f].People && t[p, g, f] is >= 1 and <= 4 && Solvable([(i, 1)]))
                    {
                        findings.Add($"{Name(t, p, g, f)} = {t[p, g, f]}");
                    }
                }

                foreach (var d in t.DerivedCounts)
                {
                    var terms = d.Terms.Select(x => (t.Index(p, g, x.Figure), x.Coefficient)).ToList();
                    var value = terms.Sum(x => t[t.Coordinates(x.Item1).Period, t.Coordinates(x.Item1).Group, t.Coordinates(x.Item1).Figure] * x.Coefficient);
                    if (value is >= 1 and <= 4 && Solvable(terms))
                    {
                        findings.Add($"{t.Periods.Names[p]}/{t.Groups.Names[g]}/{d.Name} = {value}");
                    }
                }
            }
        }

        return findings;
    }

    private static string Name(LinkedTable t, int p, int g, int f) => $"{t.Periods.Names[p]}/{t.Groups.Names[g]}/{t.Figures[f].Name}";

    private static List<double[]> Reduce(List<double[]> rows, int width)
    {
        var basis = new List<double[]>();
        foreach (var original in rows)
        {
            var row = (double[])original.Clone();
            foreach (var b in basis)
            {
                var pivot = Array.FindIndex(b, v => Math.Abs(v) > Eps);
                if (Math.Abs(row[pivot]) > Eps)
                {
                    var factor = row[pivot] / b[pivot];
                    for (var j = 0; j < width; j++)
                    {
                        row[j] -= factor * b[j];
                    }
                }
            }

            if (row.Any(v => Math.Abs(v) > Eps))
            {
                // Keep pivots unique: eliminate this row's pivot from the rows already kept.
                var pivot = Array.FindIndex(row, v => Math.Abs(v) > Eps);
                foreach (var b in basis)
                {
                    if (Math.Abs(b[pivot]) > Eps)
                    {
                        var factor = b[pivot] / row[pivot];
                        for (var j = 0; j < width; j++)
                        {
                            b[j] -= factor * row[j];
                        }
                    }
                }

                basis.Add(row);
            }
        }

        return basis;
    }

    private static bool InSpan(List<double[]> basis, double[] v)
    {
        var r = (double[])v.Clone();
        foreach (var b in basis)
        {
            var pivot = Array.FindIndex(b, x => Math.Abs(x) > Eps);
            if (Math.Abs(r[pivot]) > Eps)
            {
                var factor = r[pivot] / b[pivot];
                for (var j = 0; j < r.Length; j++)
                {
                    r[j] -= factor * b[j];
                }
            }
        }

        return r.All(x => Math.Abs(x) < 1e-7);
    }

    /// <summary>
    /// Every assignment of the hidden cells (0..max) that fits the sums and what each label says;
    /// the protected counts (hidden cells of 1 to 4 people) that have only one possible value.
    /// Only for tables with a handful of hidden cells.
    /// </summary>
    public static List<string> Pinned(LinkedTable t, int max = 30)
    {
        var size = t.Periods.Size * t.Groups.Size * t.Figures.Count;
        var hidden = Enumerable.Range(0, size).Where(i =>
        {
            var (p, g, f) = t.Coordinates(i);
            return t.Label(p, g, f) != CellLabel.Shown;
        }).ToList();
        var relations = new List<(int Total, int[] Parts)>();
        for (var p = 0; p < t.Periods.Size; p++)
        {
            for (var g = 0; g < t.Groups.Size; g++)
            {
                for (var f = 0; f < t.Figures.Count; f++)
                {
                    relations.AddRange(t.Periods.RelationsOf[p].Where(r => r.Total == p).Select(r => (t.Index(p, g, f), r.Parts.Select(x => t.Index(x, g, f)).ToArray())));
                    relations.AddRange(t.Groups.RelationsOf[g].Where(r => r.Total == g).Select(r => (t.Index(p, g, f), r.Parts.Select(x => t.Index(p, x, f)).ToArray())));
                    relations.AddRange(t.FigureAxis.RelationsOf[f].Where(r => r.Total == f).Select(r => (t.Index(p, g, f), r.Parts.Select(x => t.Index(p, g, x)).ToArray())));
                }
            }
        }

        var values = new int[size];
        for (var i = 0; i < size; i++)
        {
            var (p, g, f) = t.Coordinates(i);
            values[i] = t[p, g, f];
        }

        var possible = hidden.ToDictionary(h => h, _ => new HashSet<int>());
        var trial = (int[])values.Clone();
        void Search(int k)
        {
            if (k == hidden.Count)
            {
                if (relations.All(r => trial[r.Total] == r.Parts.Sum(x => trial[x])))
                {
                    foreach (var h in hidden)
                    {
                        possible[h].Add(trial[h]);
                    }
                }

                return;
            }

            var cell = hidden[k];
            var (p, g, f) = t.Coordinates(cell);
            var label = t.Label(p, g, f);
            for (var v = 0; v <= max; v++)
            {
                var allowed = label switch
                {
                    CellLabel.FewerThanFive => v is >= 1 and <= 4,
                    CellLabel.SmallGroup => v <= 4,
                    CellLabel.Hidden => !t.Figures[f].People || v == 0 || v >= 5,
                    _ => true,
                };
                if (allowed)
                {
                    trial[cell] = v;
                    Search(k + 1);
                }
            }

            trial[cell] = values[cell];
        }

        Search(0);
        return hidden.Where(h =>
        {
            var (p, g, f) = t.Coordinates(h);
            return t.Figures[f].People && values[h] is >= 1 and <= 4 && possible[h].Count <= 1;
        }).Select(h =>
        {
            var (p, g, f) = t.Coordinates(h);
            return $"{Name(t, p, g, f)} can only be {values[h]}";
        }).ToList();
    }
}
