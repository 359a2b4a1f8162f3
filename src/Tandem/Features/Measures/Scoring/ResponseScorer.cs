using Tandem.Features.Measures.Instruments;

namespace Tandem.Features.Measures.Scoring;

public sealed record ObservationValue(string System, string Code, string Display, decimal Value);

public sealed record ScoredResponse(
    int? Total,
    string? Band,
    IReadOnlyList<string> Flags,
    ReliableChange? Change,
    IReadOnlyList<ObservationValue> Observations,
    IReadOnlyList<FiredRule> Alerts,
    PreferenceResult? Preferences,
    CollaborationResult? Collaboration)
{
    /// <summary>PHQ-9 and GAD-7: what the on-track rule decided for this score, and by which rule.</summary>
    public OnTrackDecision? OnTrack { get; init; }
}

/// <summary>
/// Scores one validated submission with the rules of its instrument, given what came before:
/// the respondent's earlier totals on the same instrument (oldest first) and, for the
/// Collaboration Check, the engagement's earlier client totals.
/// </summary>
public static class ResponseScorer
{
    /// <summary>The risk alert a set of checked answers fires (<see cref="RiskRule"/>), or null.</summary>
    public static FiredRule? RiskAnswer(Instrument instrument, IReadOnlyList<ValidAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        var answer = answers.FirstOrDefault(a => RiskRule.IsRiskItem(a.Item.LoincCode) && a.Option is not null && RiskRule.IsRisk(a.Score));
        return answer is null ? null : RiskFor(instrument.Title, answer.Option!.Display);
    }

    public static FiredRule RiskFor(string instrumentTitle, string answerDisplay) =>
        new(AlertKind.Risk, $"Risk: {RiskRule.Description} Instrument: {instrumentTitle}. Answer: \"{answerDisplay}\".");

    public const string Loinc = "http://loinc.org";
    public const string TandemCodes = "http://tandem.invalid/fhir/CodeSystem/score";

    public static ScoredResponse Score(Instrument instrument, IReadOnlyList<ValidAnswer> answers, IReadOnlyList<int> earlierTotals, IReadOnlyList<int> engagementCollaborationTotals, ExpectedCurves? curves = null)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        var flags = new List<string>();
        var alerts = new List<FiredRule>();
        var observations = new List<ObservationValue>();

        // Risk first, for every instrument: whatever else this instrument is, an answer to the risk question is never ignored.
        if (RiskAnswer(instrument, answers) is { } risk)
        {
            flags.Add("risk");
            alerts.Add(risk);
        }

        if (instrument.Measure is { } measure)
        {
            var total = answers.Where(a => a.Item.Scored && a.Item.LoincCode != "69722-7").Sum(a => a.Score);
            var band = measure.Band(total).Name;
            observations.Add(new(Loinc, measure == StandardMeasure.Phq9 ? "44261-6" : "70274-6", $"{measure.Name} total score", total));
            if (measure.IsCase(total))
            {
                flags.Add("caseness");
            }

            var series = earlierTotals.Append(total).ToList();
            var change = series.Count >= 2 ? measure.Change(series[0], total) : (ReliableChange?)null;
            alerts.AddRange(AlertRules.ForSeries(measure, series, curves));
            return new ScoredResponse(total, band, flags, change, observations, alerts, null, null) { OnTrack = Scoring.OnTrack.Decide(measure, series, curves) };
        }

        if (instrument.IsImported)
        {
            // A practice's own instrument: the total of the answer values (the same sum the built-ins use), no bands; the risk rule above still applies.
            var total = answers.Where(a => a.Item.Scored).Sum(a => a.Score);
            var display = $"{instrument.Title} total";
            observations.Add(new(TandemCodes, instrument.Id + "-total", display.Length <= 120 ? display : display[..119] + "…", total));
            return new ScoredResponse(total, null, flags, null, observations, alerts, null, null);
        }

        if (instrument.Id == InstrumentCatalog.Collaborate)
        {
            // CollaboRATE: validated, so its developers' scoring only (no Tandem thresholds, no alerts); see CollaborateScoring.
            var result = CollaborateScoring.Score(answers.Where(a => a.Item.Scored).OrderBy(a => a.Item.LinkId, StringComparer.Ordinal).Select(a => a.Score).ToList());
            if (result.IsTopScore)
            {
                flags.Add("top-score");
            }

            observations.Add(new(TandemCodes, "collaborate-mean", "CollaboRATE mean of the three items", Math.Round((decimal)result.Total / CollaborateScoring.Items, 2, MidpointRounding.AwayFromZero)));
            observations.Add(new(TandemCodes, "collaborate-top-score", "CollaboRATE top score (1 when all three items are 9)", result.IsTopScore ? 1 : 0));
            return new ScoredResponse(result.Total, null, flags, null, observations, alerts, null, null);
        }

        if (instrument.Id is InstrumentCatalog.CollaborationCheck or InstrumentCatalog.CollaborationCheckTherapist)
        {
            var items = answers.Where(a => a.Item.Scored).Select(a => (a.Item.LinkId, a.Item.Text, a.Score)).ToList();
            // Only the client's own experience raises a concern; the therapist form is their view of the same session.
            var result = CollaborationScoring.Score(items, instrument.Id == InstrumentCatalog.CollaborationCheck ? engagementCollaborationTotals : []);
            observations.Add(new(TandemCodes, instrument.Id + "-total", $"{instrument.Title} total", result.Total));
            if (instrument.Id == InstrumentCatalog.CollaborationCheck && result.IsConcern)
            {
                flags.Add("concern");
                alerts.Add(new FiredRule(AlertKind.CollaborationConcern, "Collaboration concern: " + string.Join(" ", result.Concerns)));
            }

            return new ScoredResponse(result.Total, null, flags, null, observations, alerts, null, result);
        }

        var preferences = PreferenceScoring.Score(answers.Where(a => a.Item.Dimension is not null).Select(a => (a.Item.Dimension!.Value, a.Score)).ToList());
        foreach (var d in preferences.Dimensions)
        {
            observations.Add(new(TandemCodes, "preference-" + d.Dimension.ToString().ToLowerInvariant(), $"Preference: {PreferenceScoring.Title(d.Dimension)}", (decimal)d.Mean));
            if (d.IsStrong)
            {
                flags.Add("strong-" + d.Dimension.ToString().ToLowerInvariant());
            }
        }

        return new ScoredResponse(null, null, flags, null, observations, alerts, preferences, null);
    }
}
