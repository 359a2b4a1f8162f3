using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Tandem.Infrastructure.Errors;

namespace Tandem.Infrastructure.Input;

/// <summary>Text that may hold line breaks and tabs (prose a person writes in a box, JSON documents). Every other text is one line.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MultiLineAttribute : Attribute;

/// <summary>
/// The hygiene rule for every text Tandem stores (issue 19, finding 14), by the kind of field, in
/// one place: every write of every record of the features (whichever face it came through: the
/// API, a page's form, a live page, a background job) passes here before it is saved.
/// <list type="bullet">
/// <item>One-line text (a title, a name, a location, an agenda item: everything not marked
/// <see cref="MultiLineAttribute"/>): no control character at all, so no line break, tab or NUL;
/// a NUL or a CR/LF in a location would otherwise reach calendar files and headers raw.</item>
/// <item>Multi-line text: line breaks and tabs, but no other control character (NUL, escape,
/// backspace, DEL, the C1 controls).</item>
/// <item>Either kind: bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
/// make text display in another order than it was written, are removed; they have no honest use
/// in Tandem's fields. (Rich text also drops them when shown: <see cref="Text.SafeMarkdown"/>.)</item>
/// </list>
/// A refusal is a 422 with one sentence per field; nothing of the change is saved.
/// </summary>
public static class StoredText
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, bool>> Kinds = new();

    public static void Check(ChangeTracker changes)
    {
        Dictionary<string, string[]>? errors = null;
        foreach (var entry in changes.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified) || !IsFeatureRecord(entry.Metadata.ClrType))
            {
                continue;
            }

            var kinds = Kinds.GetOrAdd(entry.Metadata.ClrType, KindsOf);
            foreach (var property in entry.Properties)
            {
                if (property.Metadata.ClrType != typeof(string) || property.CurrentValue is not string text || text.Length == 0
                    || (entry.State == EntityState.Modified && !property.IsModified))
                {
                    continue;
                }

                var multiLine = kinds.GetValueOrDefault(property.Metadata.Name);
                if (Refusal(text, multiLine) is { } why)
                {
                    errors ??= [];
                    var key = char.ToLowerInvariant(property.Metadata.Name[0]) + property.Metadata.Name[1..];
                    errors[key] = [$"The {Words(entry.Metadata.ClrType.Name)} {Words(property.Metadata.Name)} {why}"];
                    continue;
                }

                var neutral = WithoutBidiControls(text);
                if (!ReferenceEquals(neutral, text))
                {
                    property.CurrentValue = neutral;
                }
            }
        }

        if (errors is not null)
        {
            throw new DomainException(errors.Count == 1 ? errors.First().Value[0] : "Some text contains characters Tandem does not store.", DomainError.Invalid, errors);
        }
    }

    /// <summary>Why the text cannot be stored as this kind of field, or null.</summary>
    public static string? Refusal(string text, bool multiLine)
    {
        foreach (var c in text)
        {
            if (multiLine && c is '\n' or '\r' or '\t')
            {
                continue;
            }

            if (char.IsControl(c))
            {
                return multiLine
                    ? "cannot contain control characters (such as NUL); line breaks and tabs are fine."
                    : "must be one line: no line breaks, tabs or control characters (such as NUL).";
            }
        }

        return null;
    }

    /// <summary>The text without bidirectional overrides and isolates (the same instance when it has none).</summary>
    public static string WithoutBidiControls(string text)
    {
        if (!text.Any(IsBidiControl))
        {
            return text;
        }

        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsBidiControl(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    // The features' own records; the audit trail, the outbox and the framework's tables are written by Tandem itself.
    private static bool IsFeatureRecord(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("Tandem.Features.", StringComparison.Ordinal) && !ns.StartsWith("Tandem.Features.Audit", StringComparison.Ordinal);

    private static IReadOnlyDictionary<string, bool> KindsOf(Type type) =>
        type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.PropertyType == typeof(string))
            .GroupBy(p => p.Name)
            .ToDictionary(g => g.Key, g => g.Any(p => p.GetCustomAttribute<MultiLineAttribute>() is not null));

    /// <summary>"AgendaItem" as "agenda item".</summary>
    private static string Words(string name)
    {
        var words = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        }

        return words.ToString();
    }
}
