using Microsoft.Extensions.Primitives;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.GettingStarted;

/// <summary>
/// The preferences check taken without an account. Nothing is stored: the answers are scored
/// on the server each time they arrive (from the check's form, carried in the request form as
/// hidden fields, or in the API body), so a score sent by a browser is never trusted.
/// </summary>
public sealed class AnonymousPreferences(InstrumentCatalog catalog)
{
    public const string FieldPrefix = "a:";

    public Instrument Instrument => catalog.Get(InstrumentCatalog.Preferences);

    /// <summary>The answers in a posted form (fields named a:&lt;linkId&gt;), as the form sent them.</summary>
    public IReadOnlyDictionary<string, string> ReadForm(IEnumerable<KeyValuePair<string, StringValues>> form) =>
        form.Where(f => f.Key.StartsWith(FieldPrefix, StringComparison.Ordinal) && Instrument.Item(f.Key[FieldPrefix.Length..]) is not null)
            .Select(f => (LinkId: f.Key[FieldPrefix.Length..], Value: f.Value.ToString()))
            .Where(f => f.Value.Length is > 0 and <= 4)
            .ToDictionary(f => f.LinkId, f => f.Value, StringComparer.Ordinal);

    /// <summary>Scores a complete set of answers; a 422 naming each question otherwise.</summary>
    public PreferenceResult Score(IReadOnlyDictionary<string, string> answers)
    {
        var raw = answers.Select(a => int.TryParse(a.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? RawAnswer.Of(a.Key, n)
            : RawAnswer.Of(a.Key, a.Value)).ToList();
        var valid = AnswerValidation.Validate(Instrument, raw);
        return PreferenceScoring.Score(valid.Where(a => a.Item.Dimension is not null).Select(a => (a.Item.Dimension!.Value, a.Score)).ToList());
    }

    /// <summary>
    /// For a request: no answers means no result; answers that do not make a complete, valid
    /// check are a field error on "preferences" (nothing is stored).
    /// </summary>
    public PreferenceResult? ScoreOptional(IReadOnlyDictionary<string, string>? answers)
    {
        if (answers is null || answers.Count == 0)
        {
            return null;
        }

        try
        {
            return Score(answers);
        }
        catch (DomainException)
        {
            throw new DomainException("Some fields need attention.", DomainError.Invalid, new Dictionary<string, string[]>
            {
                ["preferenceAnswers"] = ["The preferences check result is incomplete. Take the check again, or send your request without it."],
            });
        }
    }
}
