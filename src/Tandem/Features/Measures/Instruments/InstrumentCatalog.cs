using System.Text.Json;
using Hl7.Fhir.Serialization;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Scoring;
using FM = Hl7.Fhir.Model;

namespace Tandem.Features.Measures.Instruments;

public enum ItemKind
{
    Choice,
    Text,
}

/// <summary>One answer of a choice item: its code, label and score (the ordinalValue extension).</summary>
public sealed record AnswerOption(string System, string Code, string Display, int Score);

public sealed record InstrumentItem(
    string LinkId,
    string Text,
    ItemKind Kind,
    bool Required,
    bool Scored,
    IReadOnlyList<AnswerOption> Options,
    string? LoincCode,
    PreferenceDimension? Dimension,
    string? LeftPole,
    string? RightPole,
    int MaxLength)
{
    public AnswerOption? OptionFor(int score) => Options.FirstOrDefault(o => o.Score == score);
}

/// <summary>An instrument as Tandem uses it, built from its FHIR R4 Questionnaire.</summary>
public sealed record Instrument(
    string Id,
    string Title,
    string? Stem,
    string Description,
    string? Copyright,
    bool IsTandemsOwn,
    ParticipantRole Respondent,
    IReadOnlyList<InstrumentItem> Items,
    FM.Questionnaire Questionnaire,
    string QuestionnaireJson)
{
    public IEnumerable<InstrumentItem> Questions => Items;

    public InstrumentItem? Item(string linkId) => Items.FirstOrDefault(i => i.LinkId == linkId);

    public StandardMeasure? Measure => StandardMeasure.For(Id);
}

/// <summary>
/// The instruments shipped with Tandem (Resources/Instruments/*.json, FHIR R4 Questionnaires),
/// parsed once with the Firely SDK at start. Instruments are data: a new one is a new file
/// plus its scoring rule.
/// </summary>
public sealed class InstrumentCatalog
{
    public const string Phq9 = "phq-9";
    public const string Gad7 = "gad-7";
    public const string CollaborationCheck = "collaboration-check";
    public const string CollaborationCheckTherapist = "collaboration-check-therapist";
    public const string Preferences = "preferences";

    public static readonly IReadOnlyList<string> Ids = [Phq9, Gad7, CollaborationCheck, CollaborationCheckTherapist, Preferences];

    private const string OrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    private const string BipolarPoles = "http://tandem.invalid/fhir/StructureDefinition/bipolar-poles";
    private const string DimensionSystem = "http://tandem.invalid/fhir/CodeSystem/preference-dimension";

    public static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions().ForFhir(FM.ModelInfo.ModelInspector);

    private readonly Dictionary<string, Instrument> _byId;

    public InstrumentCatalog(string folder)
    {
        _byId = Ids.ToDictionary(id => id, id => Load(Path.Combine(folder, id + ".json")), StringComparer.Ordinal);
    }

    public static InstrumentCatalog FromApp() => new(Path.Combine(AppContext.BaseDirectory, "Resources", "Instruments"));

    public IReadOnlyList<Instrument> All => Ids.Select(id => _byId[id]).ToList();

    public Instrument? Find(string? id) => id is not null && _byId.TryGetValue(id, out var i) ? i : null;

    public Instrument Get(string id) => _byId[id];

    private static Instrument Load(string path)
    {
        var json = File.ReadAllText(path);
        var questionnaire = JsonSerializer.Deserialize<FM.Questionnaire>(json, FhirJson)
            ?? throw new InvalidOperationException($"{path} is not a Questionnaire.");
        var id = questionnaire.Id;
        var stem = questionnaire.Item.FirstOrDefault(i => i.Type == FM.Questionnaire.QuestionnaireItemType.Display)?.Text;
        var items = questionnaire.Item
            .Where(i => i.Type is FM.Questionnaire.QuestionnaireItemType.Choice or FM.Questionnaire.QuestionnaireItemType.Text or FM.Questionnaire.QuestionnaireItemType.String)
            .Select(ToItem)
            .ToList();
        var ours = questionnaire.Publisher == "Tandem";
        var respondent = id == CollaborationCheckTherapist ? ParticipantRole.Therapist : ParticipantRole.Client;
        return new Instrument(id ?? throw new InvalidOperationException($"{path} has no id."), questionnaire.Title ?? id, stem, questionnaire.Description ?? "", questionnaire.Copyright, ours, respondent, items, questionnaire,
            JsonSerializer.Serialize(questionnaire, FhirJson));
    }

    private static InstrumentItem ToItem(FM.Questionnaire.ItemComponent item)
    {
        var options = item.AnswerOption.Select(o =>
        {
            var coding = (FM.Coding)o.Value;
            var ordinal = (FM.ExtensionExtensions.GetExtension(o, OrdinalValue)?.Value as FM.FhirDecimal)?.Value;
            return new AnswerOption(coding.System ?? "", coding.Code ?? "", coding.Display ?? coding.Code ?? "", ordinal is { } d ? (int)d : 0);
        }).ToList();
        var loinc = item.Code.FirstOrDefault(c => c.System == "http://loinc.org")?.Code;
        var dimension = item.Code.FirstOrDefault(c => c.System == DimensionSystem)?.Code switch
        {
            "directiveness" => PreferenceDimension.Directiveness,
            "emotional-intensity" => PreferenceDimension.EmotionalIntensity,
            "past-vs-present" => PreferenceDimension.PastVsPresent,
            "support-vs-challenge" => (PreferenceDimension?)PreferenceDimension.SupportVsChallenge,
            _ => null,
        };
        var poles = FM.ExtensionExtensions.GetExtension(item, BipolarPoles);
        var kind = item.Type == FM.Questionnaire.QuestionnaireItemType.Choice ? ItemKind.Choice : ItemKind.Text;
        var hasScores = item.AnswerOption.Any(o => FM.ExtensionExtensions.GetExtension(o, OrdinalValue) is not null);
        return new InstrumentItem(
            item.LinkId ?? throw new InvalidOperationException("An item has no linkId."),
            item.Text ?? "",
            kind,
            item.Required ?? false,
            kind == ItemKind.Choice && hasScores,
            options,
            loinc,
            dimension,
            Pole(poles, "left"),
            Pole(poles, "right"),
            item.MaxLength ?? 2000);
    }

    private static string? Pole(FM.Extension? poles, string which) =>
        (poles?.Extension.FirstOrDefault(e => e.Url == which)?.Value as FM.FhirString)?.Value;
}
