namespace Tandem.Features.Measures.Scoring;

/// <summary>First and latest total of one measure. A single score counts as both (NHS Talking Therapies).</summary>
public sealed record MeasurePair(int First, int Latest)
{
    public static MeasurePair OneScore(int score) => new(score, score);
}

public enum RecoveryStatus
{
    /// <summary>Not at caseness at the first measurement: recovery does not apply.</summary>
    NotApplicable,
    NotRecovered,
    Recovered,
    ReliablyRecovered,
}

public sealed record PairedOutcome(ReliableChange Change, RecoveryStatus Recovery, bool CaseAtStart, bool CaseAtEnd)
{
    /// <summary>The measures that rose reliably (first to last): a safety signal of its own, shown to the therapist even when the result is mixed.</summary>
    public IReadOnlyList<string> ReliableRiseOn { get; init; } = [];

    public bool AnyReliableRise => ReliableRiseOn.Count > 0;
}

/// <summary>
/// NHS Talking Therapies (formerly IAPT) outcome rules over PHQ-9 and GAD-7 together, on the
/// first and last recorded score of each (a single score counts as both).
/// Caseness: PHQ-9 &gt;= 10 or GAD-7 &gt;= 8. Reliable improvement: a reliable fall on at least
/// one measure and a reliable rise on neither. Reliable deterioration: a reliable rise on at
/// least one measure and a reliable fall on neither. A reliable fall on one and a reliable rise
/// on the other is "mixed": neither improvement nor deterioration; the rise stays visible to the
/// therapist through <see cref="PairedOutcome.ReliableRiseOn"/>. Recovery: a case at the first
/// measurement and below caseness on both at the last. Reliable recovery: recovery and reliable
/// improvement. When only one measure is available the same rules run on that one alone.
/// </summary>
public static class ChangeRules
{
    public static PairedOutcome Paired(MeasurePair? phq9, MeasurePair? gad7)
    {
        var measures = new List<(StandardMeasure Measure, MeasurePair Pair)>();
        if (phq9 is not null)
        {
            measures.Add((StandardMeasure.Phq9, phq9));
        }

        if (gad7 is not null)
        {
            measures.Add((StandardMeasure.Gad7, gad7));
        }

        if (measures.Count == 0)
        {
            throw new ArgumentException("At least one measure is needed.");
        }

        var changes = measures.Select(m => (m.Measure, Change: m.Measure.Change(m.Pair.First, m.Pair.Latest))).ToList();
        var rose = changes.Where(c => c.Change == ReliableChange.Deterioration).Select(c => c.Measure.Name).ToList();
        var fell = changes.Any(c => c.Change == ReliableChange.Improvement);
        var change = (fell, rose.Count > 0) switch
        {
            (true, true) => ReliableChange.Mixed,
            (true, false) => ReliableChange.Improvement,
            (false, true) => ReliableChange.Deterioration,
            _ => ReliableChange.None,
        };

        var caseAtStart = measures.Any(m => m.Measure.IsCase(m.Pair.First));
        var caseAtEnd = measures.Any(m => m.Measure.IsCase(m.Pair.Latest));
        var recovery = !caseAtStart ? RecoveryStatus.NotApplicable
            : caseAtEnd ? RecoveryStatus.NotRecovered
            : change == ReliableChange.Improvement ? RecoveryStatus.ReliablyRecovered
            : RecoveryStatus.Recovered;
        return new PairedOutcome(change, recovery, caseAtStart, caseAtEnd) { ReliableRiseOn = rose };
    }

    /// <summary>Recovery status of one measure on its own (used per instrument on the progress page).</summary>
    public static PairedOutcome ForOne(StandardMeasure measure, MeasurePair pair) =>
        measure == StandardMeasure.Phq9 ? Paired(pair, null) : Paired(null, pair);
}
