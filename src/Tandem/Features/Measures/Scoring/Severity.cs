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
    ]);

    public static readonly StandardMeasure Gad7 = new("gad-7", "GAD-7", 21, Caseness: 8, ReliableChange: 4,
    [
        new("minimal", 0, 4),
        new("mild", 5, 9),
        new("moderate", 10, 14),
        new("severe", 15, 21),
    ]);

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

/// <summary>PHQ-9 item 9 (thoughts of being better off dead or of self-harm).</summary>
public static class RiskRule
{
    public const string Phq9Item9 = "44260-8";

    public const string Description = "PHQ-9 item 9 (thoughts that you would be better off dead or of hurting yourself) answered above 0. Any answer above \"Not at all\" is a risk flag, whatever the total.";

    /// <summary>Any answer above "Not at all" flags risk, whatever the total. "Not at all" is never proof of safety.</summary>
    public static bool IsRisk(int? item9Score) => item9Score > 0;
}
