namespace Tandem.Features.Measures.Scoring;

public enum AlertKind
{
    Risk,
    NotOnTrack,
    Deterioration,
    CollaborationConcern,

    /// <summary>A reliable rise from the lowest score so far, after an improvement (ours; see DOMAIN.md change rules).</summary>
    Relapse,
}

public sealed record FiredRule(AlertKind Kind, string Rule);

/// <summary>
/// Tandem's alert rules (DOMAIN.md section 4, ours). Each alert states the rule that fired.
/// Run after every new PHQ-9 or GAD-7 total, over that respondent's series (oldest first,
/// the new one last).
/// </summary>
public static class AlertRules
{
    public const int NotOnTrackMinimum = 4;

    public static IReadOnlyList<FiredRule> ForSeries(StandardMeasure measure, IReadOnlyList<int> totals, ExpectedCurves? curves = null)
    {
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(totals);
        var fired = new List<FiredRule>();
        if (totals.Count < 2)
        {
            return fired;
        }

        var first = totals[0];
        var latest = totals[^1];
        var change = measure.Change(first, latest);
        if (change == ReliableChange.Deterioration)
        {
            fired.Add(new FiredRule(AlertKind.Deterioration,
                $"Deterioration: {measure.Name} rose by {latest - first} from the first measurement ({first} to {latest}); a rise of {measure.ReliableChange} or more is reliable deterioration (NHS Talking Therapies)."));
        }

        // Relapse: a reliable rise from the lowest score so far, even when first-to-latest still shows improvement.
        // When the lowest is the first score, that rise is the deterioration above: one alert, not two.
        var lowest = totals.Take(totals.Count - 1).Min();
        if (lowest < first && latest - lowest >= measure.ReliableChange)
        {
            fired.Add(new FiredRule(AlertKind.Relapse,
                $"Relapse: {measure.Name} rose by {latest - lowest} from the lowest score so far ({lowest} to {latest}); a rise of {measure.ReliableChange} or more is reliable, even though the first score was {first}."));
        }

        // Not on track: the expected-response curve when there is one, else the fixed rule (OnTrack.Decide).
        if (OnTrack.Decide(measure, totals, curves) is { NotOnTrack: true, Rule: { } rule })
        {
            fired.Add(new FiredRule(AlertKind.NotOnTrack, rule));
        }

        return fired;
    }
}
