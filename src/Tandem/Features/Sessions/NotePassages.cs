using System.Text.RegularExpressions;

namespace Tandem.Features.Sessions;

/// <summary>
/// The sentences of a note as plain text, for choosing a passage to quote without copy and
/// paste (a phone, a tired hand). Markdown emphasis and list marks are dropped.
/// </summary>
public static partial class NotePassages
{
    public static IReadOnlyList<string> Of(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return [];
        }

        var plain = Marks().Replace(markdown, "");
        return Sentences().Split(plain)
            .Select(s => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            .Where(s => s.Length >= 3)
            .Select(s => s.Length > Annotation.QuoteMaxLength ? s[..Annotation.QuoteMaxLength] : s)
            .Distinct()
            .Take(200)
            .ToList();
    }

    [GeneratedRegex(@"(\*\*|\*|__|(?m:^\s*([-+]|\d+\.|#+)\s+))")]
    private static partial Regex Marks();

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex Sentences();
}
