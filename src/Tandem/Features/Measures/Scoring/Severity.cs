namespace Tandem.Features.Measures.Scoring;

/// <summary>A band of a standard measure: its name and inclusive score range.</summary>
public sealed record SeverityBand(string Name, int From, int To);

/// <summary>
/// PHQ-9 and GAD-7 scoring as published (DOMAIN.md section 2): totals, severity bands,
/// caseness and the reliable change thresholds used by NHS Talking Therapies.
/// </summary>
public sealed record StandardMeasure(string InstrumentId, string Name, int MaxTotal, int Caseness, int ReliableChange, IReadOnlyList<SeverityBand> Bands)
{
    public static readonly StandardMeasure Phq9 = new("phq-9", "PHQ-9", 27, Caseness: 10, ReliableChange: 6,
    [
        new("minimal", 0, 4),
        new("mild", 5, 9),
        new("moderate", 10, 14),
        new("moderately severe", 15, 19),
        new("severe", 20, 27),
    ])
    {
        PanelCode = "44249-1",
        ScoredItemCodes = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"],
    };

    public static readonly StandardMeasure Gad7 = new("gad-7", "GAD-7", 21, Caseness: 8, ReliableChange: 4,
    [
        new("minimal", 0, 4),
        new("mild", 5, 9),
        new("moderate", 10, 14),
        new("severe", 15, 21),
    ])
    {
        PanelCode = "69737-5",
        ScoredItemCodes = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"],
    };

    public static IReadOnlyList<StandardMeasure> All { get; } = [Phq9, Gad7];

    /// <summary>The LOINC panel code of the instrument.</summary>
    public string PanelCode { get; init; } = "";

    /// <summary>The LOINC codes of the items that make up the total.</summary>
    public IReadOnlyList<string> ScoredItemCodes { get; init; } = [];

    public static StandardMeasure? For(string instrumentId) => instrumentId switch
    {
        "phq-9" => Phq9,
        "gad-7" => Gad7,
        _ => null,
    };

    public SeverityBand Band(int total)
    {
        if (total < 0 || total > MaxTotal)
        {
            throw new ArgumentOutOfRangeException(nameof(total), total, $"{Name} totals run from 0 to {MaxTotal}.");
        }

        return Bands.First(b => total >= b.From && total <= b.To);
    }

    public bool IsCase(int total) => total >= Caseness;

    public ReliableChange Change(int first, int latest) =>
        first - latest >= ReliableChange ? Scoring.ReliableChange.Improvement
        : latest - first >= ReliableChange ? Scoring.ReliableChange.Deterioration
        : Scoring.ReliableChange.None;
}

public enum ReliableChange
{
    None,
    Improvement,
    Deterioration,

    /// <summary>Paired measures only: a reliable fall on one and a reliable rise on the other (neither improvement nor deterioration).</summary>
    Mixed,
}

/// <summary>
/// The one rule that decides "this answer is a risk answer" (DOMAIN.md): any answer above 0 to
/// an item coded LOINC 44260-8 (thoughts of being better off dead or of self-harm, PHQ-9 item 9),
/// in any instrument: the built-in PHQ-9, an imported one, or any future one carrying the code.
/// </summary>
public static class RiskRule
{
    public const string Phq9Item9 = "44260-8";

    public const string Description = "An answer above 0 to the question about thoughts that you would be better off dead or of hurting yourself (PHQ-9 item 9, LOINC 44260-8). Any answer above \"Not at all\" is a risk flag, whatever the total.";

    /// <summary>Any answer above "Not at all" flags risk, whatever the total. "Not at all" is never proof of safety.</summary>
    public static bool IsRisk(int? item9Score) => item9Score > 0;

    /// <summary>Whether an item carries the risk question's code.</summary>
    public static bool IsRiskItem(string? loincCode) => loincCode == Phq9Item9;
}
