using System.Globalization;
using System.Text.Json;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Measures;

/// <summary>An answer as it arrives: a linkId and a value (a number for a choice item's score, text for a text item).</summary>
public sealed record RawAnswer(string? LinkId, JsonElement Value)
{
    public static RawAnswer Of(string linkId, int score) => new(linkId, JsonSerializer.SerializeToElement(score));

    public static RawAnswer Of(string linkId, string text) => new(linkId, JsonSerializer.SerializeToElement(text));
}

/// <summary>An answer checked against its item: the chosen option, or the text.</summary>
public sealed record ValidAnswer(InstrumentItem Item, AnswerOption? Option, string? Text)
{
    public int Score => Option?.Score ?? 0;
}

/// <summary>
/// Checks a submission against the instrument: every linkId known and answered once, choice
/// values among the item's scores, text within its length, every required item present.
/// Fails with one 422 that names each item needing attention, so nothing is stored.
/// </summary>
public static class AnswerValidation
{
    public const int MaxAnswers = 50;

    public static IReadOnlyList<ValidAnswer> Validate(Instrument instrument, IReadOnlyList<RawAnswer>? answers)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        answers ??= [];
        if (answers.Count > MaxAnswers)
        {
            throw Invalid(new() { ["answers"] = [$"At most {MaxAnswers} answers."] });
        }

        var valid = new List<ValidAnswer>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var answer in answers)
        {
            var linkId = answer?.LinkId ?? "";
            var key = linkId.Length is > 0 and <= 40 ? linkId : "answers";
            var item = instrument.Item(linkId);
            if (item is null)
            {
                errors[key] = [$"{instrument.Title} has no item \"{Truncate(linkId)}\"."];
                continue;
            }

            if (!seen.Add(linkId))
            {
                errors[key] = ["Answered more than once."];
                continue;
            }

            if (item.Kind == ItemKind.Choice)
            {
                var score = ReadInteger(answer!.Value);
                var option = score is { } s ? item.Options.FirstOrDefault(o => o.Score == s) : null;
                if (option is null)
                {
                    errors[key] = [$"\"{item.Text}\": choose one of {string.Join(", ", item.Options.Select(o => o.Score.ToString(CultureInfo.InvariantCulture)))}."];
                    continue;
                }

                valid.Add(new ValidAnswer(item, option, null));
            }
            else
            {
                if (answer!.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (answer.Value.ValueKind != JsonValueKind.String)
                {
                    errors[key] = [$"\"{item.Text}\": the answer is text."];
                    continue;
                }

                var text = answer.Value.GetString()!.Trim();
                if (text.Length > item.MaxLength)
                {
                    errors[key] = [$"\"{item.Text}\": at most {item.MaxLength} characters."];
                    continue;
                }

                if (text.Length > 0)
                {
                    valid.Add(new ValidAnswer(item, null, text));
                }
            }
        }

        foreach (var missing in instrument.Items.Where(i => i.Required && !seen.Contains(i.LinkId)))
        {
            errors.TryAdd(missing.LinkId, [$"\"{missing.Text}\" needs an answer."]);
        }

        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }

        return valid;
    }

    private static int? ReadInteger(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static DomainException Invalid(Dictionary<string, string[]> errors) =>
        new("Some answers need attention.", DomainError.Invalid, errors);
}
