using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Features.Language;

/// <summary>One entry of the list: a term, how it inflects, and what to write instead (with the source that says so).</summary>
public sealed record LanguageTerm(
    string Term,
    string Kind,
    string Category,
    string Suggestion,
    string Source,
    IReadOnlyList<string>? Forms = null)
{
    /// <summary>Every spelling the checker looks for: the term, its inflections, and the listed extra forms.</summary>
    public IReadOnlyList<string> AllForms() =>
        Inflections.Of(Term, Kind).Concat(Forms ?? []).Select(f => f.Trim().ToLowerInvariant()).Where(f => f.Length > 0).Distinct().ToList();
}

/// <summary>The list as data: shipped in Resources/respectful-language.json; a practice adds its own file of the same shape.</summary>
public sealed record LanguageList(IReadOnlyDictionary<string, string> Sources, IReadOnlyList<LanguageTerm> Terms)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static LanguageList Parse(string json)
    {
        var file = JsonSerializer.Deserialize<ListFile>(json, Options) ?? throw new InvalidDataException("Empty language list.");
        var sources = file.Sources ?? new Dictionary<string, string>();
        var terms = (file.Terms ?? []).Select(t => t with
        {
            Kind = string.IsNullOrWhiteSpace(t.Kind) ? "word" : t.Kind,
            // A source may be a key of "sources" or written out in full.
            Source = sources.TryGetValue(t.Source ?? "", out var full) ? full : t.Source ?? "",
        }).ToList();
        foreach (var term in terms)
        {
            if (string.IsNullOrWhiteSpace(term.Term) || string.IsNullOrWhiteSpace(term.Suggestion) || string.IsNullOrWhiteSpace(term.Source) || string.IsNullOrWhiteSpace(term.Category))
            {
                throw new InvalidDataException($"Language list entry '{term.Term}' needs a term, category, suggestion and source.");
            }
        }

        return new LanguageList(sources, terms);
    }

    public static LanguageList Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>The practice's own entries replace shipped ones with the same term and add the rest.</summary>
    public LanguageList With(LanguageList extra)
    {
        var replaced = extra.Terms.Select(t => t.Term.ToLowerInvariant()).ToHashSet();
        return new LanguageList(
            Sources.Concat(extra.Sources).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            Terms.Where(t => !replaced.Contains(t.Term.ToLowerInvariant())).Concat(extra.Terms).ToList());
    }

    private sealed record ListFile(
        [property: JsonPropertyName("sources")] Dictionary<string, string>? Sources,
        [property: JsonPropertyName("terms")] List<LanguageTerm>? Terms);
}

/// <summary>English inflections good enough for the list's words (refuse, refuses, refused, refusing; deny, denies, denied).</summary>
public static class Inflections
{
    public static IEnumerable<string> Of(string term, string kind)
    {
        term = term.Trim().ToLowerInvariant();
        yield return term;
        switch (kind.ToLowerInvariant())
        {
            case "verb":
                var consonantY = term.Length > 1 && term[^1] == 'y' && !"aeiou".Contains(term[^2], StringComparison.Ordinal);
                if (consonantY)
                {
                    yield return term[..^1] + "ies";
                    yield return term[..^1] + "ied";
                    yield return term + "ing";
                }
                else if (term.EndsWith('e'))
                {
                    yield return term + "s";
                    yield return term + "d";
                    yield return term[..^1] + "ing";
                }
                else
                {
                    yield return term + (term.EndsWith('s') || term.EndsWith("sh", StringComparison.Ordinal) || term.EndsWith("ch", StringComparison.Ordinal) ? "es" : "s");
                    yield return term + "ed";
                    yield return term + "ing";
                }

                break;
            case "noun":
                yield return term.EndsWith('y') && term.Length > 1 && !"aeiou".Contains(term[^2], StringComparison.Ordinal) ? term[..^1] + "ies" : term + "s";
                break;
        }
    }
}
