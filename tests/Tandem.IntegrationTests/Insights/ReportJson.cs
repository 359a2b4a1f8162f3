using System.Globalization;
using System.Text.Json;

namespace Tandem.IntegrationTests.Insights;

/// <summary>
/// Reads outcome reports as an outsider would: every figure object in the JSON, found by
/// walking the tree, so the attacks below need no knowledge of the app's own types.
/// </summary>
internal static class ReportJson
{
    /// <summary>Names of figures that count people or engagements (in any version of the report).</summary>
    public static readonly HashSet<string> CountNames = new(StringComparer.Ordinal)
    {
        "people", "started", "active", "paused", "ended", "courses", "measured", "casesAtStart", "goals", "signals",
    };

    public sealed record Figure(string Path, string Name, JsonElement Element);

    /// <summary>Every object that has a "text" property (a figure), with its path.</summary>
    public static IEnumerable<Figure> Figures(JsonElement root, string path = "")
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("text", out _))
                {
                    yield return new Figure(child, property.Name, property.Value);
                }

                foreach (var inner in Figures(property.Value, child))
                {
                    yield return inner;
                }
            }
        }
        else if (root.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in root.EnumerateArray())
            {
                // Groups are keyed by their key, not their position, so two reports line up.
                var key = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : i.ToString(CultureInfo.InvariantCulture);
                foreach (var inner in Figures(item, $"{path}[{key}]"))
                {
                    yield return inner;
                }

                i++;
            }
        }
    }

    public static int? Int(JsonElement figure, string name) =>
        figure.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    public static double? Number(JsonElement figure, string name) =>
        figure.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>
    /// Counts of 1 to 4 people a reader can see or work out from one figure: a count, a rate's
    /// numerator or the rest of its denominator, or "n of m" in its text. (The difference of two
    /// headcounts, such as courses with scores minus those at caseness, is left visible on
    /// purpose: docs/outcome-disclosure.md, residual risk.)
    /// </summary>
    public static IEnumerable<string> SmallCounts(JsonElement report)
    {
        foreach (var f in Figures(report))
        {
            if (CountNames.Contains(f.Name) && Int(f.Element, "value") is { } count && count is >= 1 and <= 4)
            {
                yield return $"{f.Path} = {count}";
            }

            if (Int(f.Element, "numerator") is { } k && Int(f.Element, "denominator") is { } n)
            {
                if (k is >= 1 and <= 4)
                {
                    yield return $"{f.Path}: numerator {k} of {n}";
                }

                if (n - k is >= 1 and <= 4)
                {
                    yield return $"{f.Path}: all but {n - k} of {n}";
                }
            }
        }
    }
}
