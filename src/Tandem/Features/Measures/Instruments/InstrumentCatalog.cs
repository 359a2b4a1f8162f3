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

/// <summary>How an answer option is written in FHIR: a Coding (the built-ins), an integer or a string.</summary>
public enum OptionValueType
{
    Coding,
    WholeNumber,
    Text,
}

/// <summary>
/// One answer of a choice item: its code, label and score (the ordinalValue extension; for an
/// imported Questionnaire also itemWeight, or the integer itself).
/// </summary>
public sealed record AnswerOption(string System, string Code, string Display, int Score, OptionValueType ValueType = OptionValueType.Coding);

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
    string QuestionnaireJson,
    bool IsImported = false)
{
    public IEnumerable<InstrumentItem> Questions => Items;

    /// <summary>The highest total: the standard measure's, or the sum of each scored item's highest answer.</summary>
    public int MaxTotal => Measure?.MaxTotal ?? Items.Where(i => i.Scored && i.Options.Count > 0).Sum(i => i.Options.Max(o => o.Score));

    /// <summary>The lowest total (the sum of each scored item's lowest answer).</summary>
    public int MinTotal => Measure is not null ? 0 : Items.Where(i => i.Scored && i.Options.Count > 0).Sum(i => i.Options.Min(o => o.Score));

    public InstrumentItem? Item(string linkId) => Items.FirstOrDefault(i => i.LinkId == linkId);

    public StandardMeasure? Measure => IsImported ? null : StandardMeasure.For(Id);

    /// <summary>The name shown on pages: what the questionnaire is for first, its short name after.</summary>
    public string PlainTitle => IsImported ? Title : InstrumentCatalog.PlainTitle(Id, Title);
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

    /// <summary>CollaboRATE (Elwyn, Barr et al. 2013), patient version: a validated measure of shared decision-making.</summary>
    public const string Collaborate = "collaborate";

    public static readonly IReadOnlyList<string> Ids = [Phq9, Gad7, CollaborationCheck, CollaborationCheckTherapist, Preferences, Collaborate];

    /// <summary>The name people know a built-in by, for sentences that point to it.</summary>
    public static string TitleOf(string id) => id switch
    {
        Phq9 => "PHQ-9",
        Gad7 => "GAD-7",
        CollaborationCheck => "Collaboration Check",
        CollaborationCheckTherapist => "Collaboration Check (therapist's form)",
        Preferences => "preferences check",
        Collaborate => "CollaboRATE",
        _ => id,
    };

    /// <summary>
    /// Pages name the two standard measures for what they are ("Mood check (PHQ-9)"), so a
    /// client need not know the abbreviations; the API, the FHIR export and alert rules keep the
    /// short names.
    /// </summary>
    public static string PlainTitle(string id, string title) => id switch
    {
        Phq9 => "Mood check (PHQ-9)",
        Gad7 => "Worry check (GAD-7)",
        Collaborate => "Shared decisions (CollaboRATE)",
        _ => title,
    };

    public const string OrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    public const string ItemWeight = "http://hl7.org/fhir/StructureDefinition/itemWeight";
    private const string BipolarPoles = "http://tandem.invalid/fhir/StructureDefinition/bipolar-poles";
    private const string DimensionSystem = "http://tandem.invalid/fhir/CodeSystem/preference-dimension";

    public static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions().ForFhir(FM.ModelInfo.ModelInspector);

    private readonly Dictionary<string, Instrument> _byId;

    public InstrumentCatalog(string folder)
    {
        _byId = Ids.ToDictionary(id => id, id => Load(Path.Combine(folder, id + ".json")), StringComparer.Ordinal);
    }

    /// <summary>The shipped instruments, read once per process: they are files of the build and never change while it runs.</summary>
    private static readonly Lazy<InstrumentCatalog> Shipped = new(() => new(Path.Combine(AppContext.BaseDirectory, "Resources", "Instruments")));

    public static InstrumentCatalog FromApp() => Shipped.Value;

    public IReadOnlyList<Instrument> All => Ids.Select(id => _byId[id]).ToList();

    public Instrument? Find(string? id) => id is not null && _byId.TryGetValue(id, out var i) ? i : null;

    public Instrument Get(string id) => _byId[id];

    private static Instrument Load(string path)
    {
        var json = File.ReadAllText(path);
        var questionnaire = JsonSerializer.Deserialize<FM.Questionnaire>(json, FhirJson)
            ?? throw new InvalidOperationException($"{path} is not a Questionnaire.");
        return FromQuestionnaire(questionnaire, questionnaire.Id ?? throw new InvalidOperationException($"{path} has no id."), imported: false);
    }

    /// <summary>
    /// An instrument from its Questionnaire: the built-ins at start, and a practice's imported
    /// ones (already checked by <see cref="QuestionnaireImport"/>) when first used.
    /// </summary>
    public static Instrument FromQuestionnaire(FM.Questionnaire questionnaire, string id, bool imported)
    {
        ArgumentNullException.ThrowIfNull(questionnaire);
        var stem = questionnaire.Item.FirstOrDefault(i => i.Type == FM.Questionnaire.QuestionnaireItemType.Display)?.Text;
        var items = questionnaire.Item
            .Where(i => i.Type is FM.Questionnaire.QuestionnaireItemType.Choice or FM.Questionnaire.QuestionnaireItemType.Text or FM.Questionnaire.QuestionnaireItemType.String)
            .Select(i => imported ? ToImportedItem(i) : ToItem(i))
            .ToList();
        // An imported copy of one of Tandem's own questionnaires is the practice's now, not Tandem's.
        var ours = !imported && questionnaire.Publisher == "Tandem";
        var respondent = !imported && id == CollaborationCheckTherapist ? ParticipantRole.Therapist : ParticipantRole.Client;
        var title = questionnaire.Title ?? questionnaire.Name ?? id;
        return new Instrument(id, title, stem, questionnaire.Description ?? "", questionnaire.Copyright, ours, respondent, items, questionnaire,
            JsonSerializer.Serialize(questionnaire, FhirJson), imported);
    }

    /// <summary>
    /// The score an imported answer option carries: ordinalValue or itemWeight on the option or
    /// on its Coding, or the integer itself. Null when it carries none.
    /// </summary>
    public static decimal? ScoreOf(FM.Questionnaire.AnswerOptionComponent option)
    {
        ArgumentNullException.ThrowIfNull(option);
        static decimal? Weight(FM.IExtendable? on) => on is null ? null
            : (FM.ExtensionExtensions.GetExtension(on, OrdinalValue)?.Value ?? FM.ExtensionExtensions.GetExtension(on, ItemWeight)?.Value) switch
            {
                FM.FhirDecimal d => d.Value,
                FM.Integer n => n.Value,
                _ => null,
            };
        return Weight(option) ?? Weight(option.Value as FM.Coding) ?? (option.Value as FM.Integer)?.Value;
    }

    private static InstrumentItem ToImportedItem(FM.Questionnaire.ItemComponent item)
    {
        var scored = item.AnswerOption.Count > 0 && item.AnswerOption.All(o => ScoreOf(o) is not null);
        // An unscored choice is answered by its position, so every option can be chosen; it never counts towards the total.
        var options = item.AnswerOption.Select((o, index) =>
        {
            var score = scored ? (int)ScoreOf(o)!.Value : index;
            return o.Value switch
            {
                FM.Coding c => new AnswerOption(c.System ?? "", c.Code ?? "", c.Display ?? c.Code ?? "", score),
                FM.Integer n => new AnswerOption("", n.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", n.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", score, OptionValueType.WholeNumber),
                _ => new AnswerOption("", index.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Value?.ToString() ?? "", score, OptionValueType.Text),
            };
        }).ToList();
        var kind = item.Type == FM.Questionnaire.QuestionnaireItemType.Choice ? ItemKind.Choice : ItemKind.Text;
        return new InstrumentItem(item.LinkId ?? "", item.Text ?? "", kind, item.Required ?? false, kind == ItemKind.Choice && scored, options,
            item.Code.FirstOrDefault(c => c.System == "http://loinc.org")?.Code, null, null, null, item.MaxLength ?? 2000);
    }

    private static InstrumentItem ToItem(FM.Questionnaire.ItemComponent item)
    {
        // An option without a score (the PHQ-9 difficulty question) is answered by its position, 0 upwards in
        // option order, so every option can be chosen and is stored as itself; such an item never counts towards a total.
        var options = item.AnswerOption.Select((o, index) =>
        {
            var coding = (FM.Coding)o.Value;
            var ordinal = (FM.ExtensionExtensions.GetExtension(o, OrdinalValue)?.Value as FM.FhirDecimal)?.Value;
            return new AnswerOption(coding.System ?? "", coding.Code ?? "", coding.Display ?? coding.Code ?? "", ordinal is { } d ? (int)d : index);
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
