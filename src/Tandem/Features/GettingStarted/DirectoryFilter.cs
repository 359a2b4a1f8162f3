using Tandem.Infrastructure.Errors;

namespace Tandem.Features.GettingStarted;

/// <summary>
/// What a visitor narrows the directory by, the same for the page and the API. Empty means "any". Format and mode are
/// the words the listings use (ClientLed / TherapistLed, Online / InPerson); a language is one a listing names; the
/// search is free text over the name, approaches, languages and practice. Anything outside the lists is refused in a
/// sentence, so a typo in a link never silently shows everyone.
/// </summary>
public sealed record DirectoryFilter(
    string? Practice = null,
    string? Format = null,
    string? Mode = null,
    string? Language = null,
    string? Accepting = null,
    string? Search = null)
{
    public const int SearchMaxLength = 100;

    public static readonly string[] Formats = ["ClientLed", "TherapistLed"];

    public static readonly string[] Modes = ["Online", "InPerson"];

    /// <summary>Only "taking new clients" narrows; "any" is the absence of the filter.</summary>
    public bool AcceptingOnly => Accepting == "true";

    public bool IsEmpty => Practice is null && Format is null && Mode is null && Language is null && !AcceptingOnly && Search is null;

    /// <summary>The filter trimmed and in the listings' own spelling; a 422 in words for anything else.</summary>
    public DirectoryFilter Checked()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var format = Pick(Format, Formats);
        if (Blank(Format) is not null && format is null)
        {
            errors["format"] = ["format is ClientLed or TherapistLed."];
        }

        var mode = Pick(Mode, Modes);
        if (Blank(Mode) is not null && mode is null)
        {
            errors["mode"] = ["mode is Online or InPerson."];
        }

        var accepting = Blank(Accepting)?.ToLowerInvariant();
        if (accepting is not (null or "true" or "false"))
        {
            errors["accepting"] = ["accepting is true or false."];
        }

        var language = Blank(Language);
        if (language is { Length: > DirectoryProfile.TagMaxLength })
        {
            errors["language"] = [$"A language is at most {DirectoryProfile.TagMaxLength} characters."];
        }

        var search = Blank(Search);
        if (search is { Length: > SearchMaxLength })
        {
            errors["search"] = [$"Search with at most {SearchMaxLength} characters."];
        }

        var practice = Blank(Practice);
        if (practice is { Length: > 200 })
        {
            errors["practice"] = ["A practice name is at most 200 characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(string.Join(" ", errors.Values.SelectMany(v => v)), DomainError.Invalid, errors);
        }

        return new DirectoryFilter(practice, format, mode, language, accepting == "true" ? "true" : null, search);
    }

    /// <summary>The plain filters as a query string (never the search: what a person types stays out of URLs).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("practice", Practice);
        Add("format", Format);
        Add("mode", Mode);
        Add("language", Language);
        Add("accepting", AcceptingOnly ? "true" : null);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Pick(string? value, string[] allowed) =>
        Blank(value) is { } v ? allowed.FirstOrDefault(a => string.Equals(a, v, StringComparison.OrdinalIgnoreCase)) : null;
}
