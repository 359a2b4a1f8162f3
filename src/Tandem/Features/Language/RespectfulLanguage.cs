using System.Text;
using System.Text.RegularExpressions;

namespace Tandem.Features.Language;

/// <summary>A place in the text worth a second look, with what to write instead and who says so.</summary>
public sealed record LanguageHit(int Start, int Length, string Term, string Match, string Category, string Suggestion, string Source);

/// <summary>
/// The respectful-language assistant (DOMAIN.md section 5). It flags and suggests; it never
/// blocks. Matching is case-insensitive and whole-word: a listed form never matches inside
/// another word ("claims" is not found in "reclaims", "resist" not in "irresistible"), and a
/// hyphen in a form also matches a space or nothing.
/// </summary>
public sealed class RespectfulLanguage
{
    public const int MaxTextLength = 50_000;

    private readonly Regex _pattern;
    private readonly Dictionary<string, LanguageTerm> _byForm = new(StringComparer.Ordinal);

    public RespectfulLanguage(LanguageList list)
    {
        List = list;
        foreach (var term in list.Terms)
        {
            foreach (var form in term.AllForms())
            {
                // A later entry (a practice's own) wins over a shipped one for the same spelling.
                _byForm[Key(form)] = term;
            }
        }

        // Longest forms first, so "non-compliant" wins over "compliant" at the same place.
        var alternatives = list.Terms.SelectMany(t => t.AllForms()).Distinct()
            .OrderByDescending(f => f.Length)
            .Select(ToPattern);
        _pattern = new Regex(
            $@"(?<![\p{{L}}\p{{N}}_'’-])(?:{string.Join('|', alternatives)})(?![\p{{L}}\p{{N}}_-])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(2));
    }

    public LanguageList List { get; }

    public IReadOnlyList<LanguageHit> Check(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (text.Length > MaxTextLength)
        {
            text = text[..MaxTextLength];
        }

        var hits = new List<LanguageHit>();
        foreach (Match match in _pattern.Matches(text))
        {
            if (_byForm.TryGetValue(Key(match.Value), out var term))
            {
                hits.Add(new LanguageHit(match.Index, match.Length, term.Term, match.Value, term.Category, term.Suggestion, term.Source));
            }
        }

        return hits;
    }

    // "Non-compliant", "non compliant" and "noncompliant" are one form.
    private static string Key(string form)
    {
        var key = new StringBuilder(form.Length);
        foreach (var c in form.ToLowerInvariant())
        {
            if (!char.IsWhiteSpace(c) && c is not ('-' or '‐'))
            {
                key.Append(c == '’' ? '\'' : c);
            }
        }

        return key.ToString();
    }

    private static string ToPattern(string form)
    {
        var pattern = new StringBuilder();
        foreach (var c in form)
        {
            pattern.Append(c switch
            {
                '-' or '‐' => @"[-‐\s]?",
                ' ' => @"[\s-]+",
                '\'' or '’' => "['’]",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return pattern.ToString();
    }
}
