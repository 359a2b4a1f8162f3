using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Fhir;
using FM = Hl7.Fhir.Model;

namespace Tandem.Features.Measures.Instruments;

/// <summary>A Questionnaire that passed every check, ready to be stored as a draft.</summary>
public sealed record ImportCandidate(string Key, string Title, string? Version, string? SourceUrl, string QuestionnaireJson, string ScoringMethod);

/// <summary>
/// Checks an uploaded FHIR R4 Questionnaire before anything is stored, in order: size, JSON,
/// a Questionnaire, Tandem's shape rules (flat choice/text items, unique and short linkIds,
/// at least one scored question, no score expression Tandem cannot evaluate), valid against
/// base R4 (the Firely validator), a key that is not a built-in id. Each refusal is one
/// <see cref="DomainException"/> with one sentence a person can act on.
/// </summary>
public static partial class QuestionnaireImport
{
    public const int MaxBytes = 1024 * 1024;
    public const int MaxItems = AnswerValidation.MaxAnswers;
    public const int MaxLinkIdLength = 40;
    private const int IssuesShown = 5;

    /// <summary>Extensions that define a score Tandem cannot compute (FHIRPath/CQL expressions): refused rather than scored wrongly as a sum.</summary>
    private static readonly string[] ExpressionExtensions =
    [
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression",
        "http://hl7.org/fhir/StructureDefinition/variable",
        "http://hl7.org/fhir/StructureDefinition/cqf-calculatedValue",
        "http://hl7.org/fhir/StructureDefinition/cqf-expression",
    ];

    private static readonly FM.Questionnaire.QuestionnaireItemType[] Supported =
    [
        FM.Questionnaire.QuestionnaireItemType.Display,
        FM.Questionnaire.QuestionnaireItemType.Choice,
        FM.Questionnaire.QuestionnaireItemType.Text,
        FM.Questionnaire.QuestionnaireItemType.String,
    ];

    /// <summary>The canonical url Tandem gives an imported instrument (the uploaded one is kept as its source, in derivedFrom).</summary>
    public static string UrlFor(Guid instrumentId) => $"http://tandem.invalid/fhir/Questionnaire/imported/{instrumentId}";

    public static bool IsValidKey(string key) => KeyPattern().IsMatch(key) && key.Length <= PracticeInstrument.KeyMaxLength;

    /// <summary>Runs every check; <paramref name="keyTaken"/> says whether a key is already one of the practice's.</summary>
    public static ImportCandidate Check(ReadOnlySpan<byte> body, string? requestedKey, Func<string, bool> keyTaken)
    {
        ArgumentNullException.ThrowIfNull(keyTaken);
        if (body.Length > MaxBytes)
        {
            throw TooLarge();
        }

        string resourceType;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new DomainException("The file is JSON but not a FHIR resource (it has no resourceType). Upload a FHIR R4 Questionnaire.", DomainError.Invalid);
            }

            resourceType = type.GetString()!;
            if (resourceType != "Questionnaire")
            {
                throw new DomainException($"The file is a FHIR {Short(resourceType)}, not a Questionnaire. Upload a FHIR R4 Questionnaire.", DomainError.Invalid);
            }

            if (FindExpression(document.RootElement) is { } expression)
            {
                throw new DomainException(
                    $"This Questionnaire computes its score with an expression ({expression}), which Tandem cannot evaluate; it was not imported so that it is never scored wrongly as a plain sum.",
                    DomainError.Invalid);
            }
        }
        catch (JsonException)
        {
            throw new DomainException("The file is not JSON. Upload a FHIR R4 Questionnaire saved as JSON (.json).", DomainError.BadRequest);
        }

        FM.Questionnaire questionnaire;
        try
        {
            questionnaire = JsonSerializer.Deserialize<FM.Questionnaire>(body, InstrumentCatalog.FhirJson)
                ?? throw new DomainException("The file is not a Questionnaire.", DomainError.Invalid);
        }
        catch (Exception ex) when (ex is not DomainException and not OutOfMemoryException)
        {
            var problems = (ex as AggregateException)?.InnerExceptions.Select(e => e.Message).ToList() ?? [ex.Message];
            throw Invalid("The Questionnaire is not valid FHIR R4.", problems);
        }

        CheckShape(questionnaire);
        CheckNotACopy(questionnaire);

        var outcome = FhirValidator.Validate(questionnaire);
        var errors = outcome.Issue.Where(FhirValidator.IsError).Select(Plain).Distinct(StringComparer.Ordinal).ToList();
        if (errors.Count > 0)
        {
            throw Invalid($"The Questionnaire is not valid FHIR R4 ({Count(errors.Count, "problem")}).", errors);
        }

        CheckScoring(questionnaire);
        var requested = string.IsNullOrWhiteSpace(requestedKey) ? null : requestedKey.Trim().ToLowerInvariant();
        if (requested is not null)
        {
            CheckRequestedKey(requested, keyTaken);
        }

        var key = requested ?? DeriveKey(questionnaire, keyTaken);
        var title = (questionnaire.Title ?? questionnaire.Name ?? key).Trim();
        return new ImportCandidate(key, title.Length == 0 ? key : title, questionnaire.Version, questionnaire.Url,
            JsonSerializer.Serialize(questionnaire, InstrumentCatalog.FhirJson), PracticeInstrument.SumScoring);
    }

    /// <summary>The instrument as Tandem uses it: the stored Questionnaire under the practice's key and Tandem's own url.</summary>
    public static Instrument ToInstrument(PracticeInstrument row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var questionnaire = JsonSerializer.Deserialize<FM.Questionnaire>(row.QuestionnaireJson, InstrumentCatalog.FhirJson)!;
        questionnaire.Id = row.Key;
        if (questionnaire.Url is { Length: > 0 } source && source != UrlFor(row.Id) && !questionnaire.DerivedFrom.Contains(source))
        {
            questionnaire.DerivedFromElement.Add(new FM.Canonical(source));
        }

        questionnaire.Url = UrlFor(row.Id);
        return InstrumentCatalog.FromQuestionnaire(questionnaire, row.Key, imported: true);
    }

    public static DomainException TooLarge() =>
        new($"The file is larger than {MaxBytes / (1024 * 1024)} MB. A Questionnaire is far smaller: check that you chose the right file.", DomainError.TooLarge);

    private static void CheckRequestedKey(string key, Func<string, bool> keyTaken)
    {
        if (!IsValidKey(key))
        {
            throw new DomainException($"The key is 1 to {PracticeInstrument.KeyMaxLength} lower-case letters, digits and single hyphens, such as \"mood-check\".", DomainError.Invalid,
                new Dictionary<string, string[]> { ["key"] = ["Letters, digits and hyphens."] });
        }

        if (InstrumentCatalog.Ids.Contains(key))
        {
            throw new DomainException($"\"{key}\" is the id of one of Tandem's built-in instruments. Choose another key.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["key"] = ["A built-in instrument's id."] });
        }

        if (keyTaken(key))
        {
            throw new DomainException($"Your practice already has an instrument with the key \"{key}\". Choose another key.", DomainError.Conflict);
        }
    }

    /// <summary>Flat choice and text questions Tandem can show and score, each linkId once.</summary>
    private static void CheckShape(FM.Questionnaire questionnaire)
    {
        var all = Flatten(questionnaire.Item).ToList();
        var duplicate = all.Where(i => !string.IsNullOrEmpty(i.LinkId)).GroupBy(i => i.LinkId!, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DomainException($"Two items share the linkId \"{Short(duplicate.Key)}\"; every item needs its own linkId.", DomainError.Invalid);
        }

        foreach (var item in all)
        {
            var name = string.IsNullOrEmpty(item.LinkId) ? "An item" : $"Item \"{Short(item.LinkId)}\"";
            if (item.Type == FM.Questionnaire.QuestionnaireItemType.Group)
            {
                throw new DomainException($"{name} is a group. Tandem shows questions at the top level only: move its questions out of the group.", DomainError.Invalid);
            }

            if (item.Type is { } type && !Supported.Contains(type))
            {
                throw new DomainException($"{name} is of type \"{Hl7.Fhir.Utility.EnumUtility.GetLiteral(type)}\", which Tandem cannot show yet (choice, text, string and display can be imported).", DomainError.Invalid);
            }

            if (item.EnableWhen.Count > 0)
            {
                throw new DomainException($"{name} is shown only under a condition (enableWhen), which Tandem does not support: every question is always shown.", DomainError.Invalid);
            }

            if (item.AnswerValueSet is not null)
            {
                throw new DomainException($"{name} takes its answers from a value set. List the answers in the Questionnaire itself (answerOption).", DomainError.Invalid);
            }

            if (item.LinkId is { Length: > MaxLinkIdLength })
            {
                throw new DomainException($"{name} has a linkId longer than {MaxLinkIdLength} characters.", DomainError.Invalid);
            }
        }

        var questions = all.Count(i => i.Type != FM.Questionnaire.QuestionnaireItemType.Display);
        if (questions > MaxItems)
        {
            throw new DomainException($"The Questionnaire has {questions} questions; Tandem takes at most {MaxItems}.", DomainError.Invalid);
        }
    }

    /// <summary>
    /// A copy of a built-in would be scored as a plain sum without the built-in's bands, risk rule
    /// and alerts, and would split a person's series in two: refused, with a pointer to the built-in.
    /// A copy is Tandem's own export (a built-in's canonical url), or a Questionnaire that carries a
    /// standard measure's LOINC panel code or every one of its scored item codes. Instruments that
    /// share a few items (PHQ-2, PHQ-8, GAD-2) are their own instruments and are imported; any of
    /// them that carries the risk question's code gets the risk rule all the same.
    /// </summary>
    private static void CheckNotACopy(FM.Questionnaire questionnaire)
    {
        const string BuiltInUrl = "http://tandem.invalid/fhir/Questionnaire/";
        var builtIn = questionnaire.Url is { } url && url.StartsWith(BuiltInUrl, StringComparison.Ordinal)
            ? InstrumentCatalog.Ids.FirstOrDefault(id => url[BuiltInUrl.Length..] == id)
            : null;
        string? title = builtIn is null ? null : InstrumentCatalog.TitleOf(builtIn);
        if (title is null)
        {
            var codes = questionnaire.Code.Concat(Flatten(questionnaire.Item).SelectMany(i => i.Code))
                .Where(c => c.System == "http://loinc.org" && c.Code is not null).Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
            title = StandardMeasure.All.FirstOrDefault(m => codes.Contains(m.PanelCode) || m.ScoredItemCodes.All(codes.Contains))?.Name;
        }

        if (title is not null)
        {
            throw new DomainException(
                $"This Questionnaire is a copy of the {title}, which Tandem has built in with its scoring rules (and, for the PHQ-9 and GAD-7, severity bands, the risk rule and alerts). Use the built-in {title} instead: it is already available to every engagement.",
                DomainError.Invalid);
        }
    }

    /// <summary>Every answer of a scored question has a whole-number value, different from its siblings; at least one question is scored.</summary>
    private static void CheckScoring(FM.Questionnaire questionnaire)
    {
        var scored = 0;
        foreach (var item in questionnaire.Item.Where(i => i.Type == FM.Questionnaire.QuestionnaireItemType.Choice))
        {
            var values = item.AnswerOption.Select(InstrumentCatalog.ScoreOf).ToList();
            if (values.Count == 0 || values.All(v => v is null))
            {
                continue;
            }

            var name = $"Item \"{Short(item.LinkId ?? "")}\"";
            if (values.Any(v => v is null))
            {
                throw new DomainException($"{name} gives a value to some answers and not to others; every answer of a scored question needs a value.", DomainError.Invalid);
            }

            if (values.Any(v => v!.Value != decimal.Truncate(v.Value) || v.Value is > 10_000 or < -10_000))
            {
                throw new DomainException($"{name} has an answer value that is not a whole number between -10000 and 10000; Tandem sums whole-number values.", DomainError.Invalid);
            }

            if (values.Distinct().Count() != values.Count)
            {
                throw new DomainException($"Two answers of item \"{Short(item.LinkId ?? "")}\" have the same value; Tandem records an answer by its value, so each needs its own.", DomainError.Invalid);
            }

            scored++;
        }

        if (scored == 0)
        {
            throw new DomainException(
                "The Questionnaire has no scored question: at least one choice question needs a numeric value on each answer (the ordinalValue or itemWeight extension, or integer answers).",
                DomainError.Invalid);
        }
    }

    private static string DeriveKey(FM.Questionnaire questionnaire, Func<string, bool> keyTaken)
    {
        var source = new[] { questionnaire.Id, questionnaire.Name, questionnaire.Title }.FirstOrDefault(s => !string.IsNullOrWhiteSpace(s)) ?? "instrument";
        var slug = NotSlug().Replace(source.ToLowerInvariant(), "-").Trim('-');
        slug = slug.Length == 0 ? "instrument" : slug[..Math.Min(slug.Length, 28)].TrimEnd('-');
        // An import of a built-in (e.g. a Questionnaire exported from Tandem) never takes the built-in's id.
        var key = InstrumentCatalog.Ids.Contains(slug) ? slug + "-imported" : slug;
        for (var n = 2; keyTaken(key) || InstrumentCatalog.Ids.Contains(key); n++)
        {
            key = $"{slug}-{n.ToString(CultureInfo.InvariantCulture)}";
        }

        return key;
    }

    private static IEnumerable<FM.Questionnaire.ItemComponent> Flatten(IEnumerable<FM.Questionnaire.ItemComponent> items) =>
        items.SelectMany(i => Flatten(i.Item).Prepend(i));

    private static string? FindExpression(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "url" && property.Value.ValueKind == JsonValueKind.String && ExpressionExtensions.Contains(property.Value.GetString()))
                    {
                        return property.Value.GetString()!.Split('/')[^1].Replace("sdc-questionnaire-", "", StringComparison.Ordinal);
                    }

                    if (FindExpression(property.Value) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var child in element.EnumerateArray())
                {
                    if (FindExpression(child) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>A validator issue in plain words: where, then what.</summary>
    private static string Plain(FM.OperationOutcome.IssueComponent issue)
    {
        var where = (issue.Expression is { } e && e.Any() ? e.First() : null) ?? (issue.Location is { } l && l.Any() ? l.First() : null) ?? "Questionnaire";
        var what = issue.Details?.Text ?? issue.Diagnostics ?? "is not valid.";
        if (what.Contains("cardinality", StringComparison.OrdinalIgnoreCase) && what.Contains("count is 0", StringComparison.OrdinalIgnoreCase))
        {
            what = "is required but missing.";
        }

        return $"{where}: {what}";
    }

    private static DomainException Invalid(string title, List<string> problems) =>
        new(title + " First: " + Short(problems.Count > 0 ? problems[0] : "", 200), DomainError.Invalid,
            new Dictionary<string, string[]> { ["questionnaire"] = problems.Take(IssuesShown).Select(p => Short(p, 300)).ToArray() });

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static string Short(string s, int max = 60) => s.Length <= max ? s : s[..max] + "…";

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
