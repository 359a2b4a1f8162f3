using Tandem.Features.Measures.Scoring;

namespace Tandem.Features.Measures.Pages;

/// <summary>Plain words for alerts, change and recovery, the same on every page.</summary>
public static class AlertText
{
    public static string Label(AlertKind kind) => kind switch
    {
        AlertKind.Risk => "Risk",
        AlertKind.NotOnTrack => "Not on track",
        AlertKind.Deterioration => "Deterioration",
        AlertKind.Relapse => "Relapse",
        _ => "Collaboration concern",
    };

    /// <summary>What the shaded expected range is and where it comes from, or (for therapists) that the fixed rule applies.</summary>
    public static string? Expected(ExpectedRange? range, bool therapist)
    {
        if (range is null)
        {
            return null;
        }

        var started = $"started in the {range.IntakeBand} range";
        if (!therapist)
        {
            return range.Source == CurveSource.FixedRule ? null
                : $"The shaded area shows where the middle half of people who {started}, as you did, usually were at the same point. It is a guide to talk about together, not a verdict.";
        }

        var decision = range.Decision switch
        {
            { NotOnTrack: true, Source: not CurveSource.FixedRule } d => $" Latest score: above the 75th percentile ({OnTrack.P(d.Expected!.P75)}) at measurement {d.Session}, so not on track.",
            { Session: >= 2, Source: not CurveSource.FixedRule, Expected: { } e } d => $" Latest score: at or below the 75th percentile ({OnTrack.P(e.P75)}) at measurement {d.Session}, so on track.",
            _ => "",
        };
        return range.Source switch
        {
            CurveSource.Practice => $"Shaded: the expected range (25th to 75th percentile, dotted line the median) of this practice's {range.Courses} finished courses that {started}, by measurement.{decision} (Tandem's own rule, not a validated norm.)",
            CurveSource.Installation => $"Shaded: the expected range (25th to 75th percentile, dotted line the median) of finished courses across the practices on this Tandem installation that {started}, by measurement; this practice has fewer than {ExpectedCurveBuilder.MinimumCourses} of its own.{decision} (Tandem's own rule, not a validated norm.)",
            _ => $"No expected range yet: fewer than {ExpectedCurveBuilder.MinimumCourses} finished courses that {started}, here or across this installation. \"Not on track\" uses the fixed rule: {AlertRules.NotOnTrackMinimum} or more measurements without reliable improvement, still at caseness.",
        };
    }

    public static string Change(ReliableChange change, int? threshold = null) => change switch
    {
        ReliableChange.Improvement => threshold is { } t ? $"Reliable improvement: a fall of {t} or more since the first score." : "Reliable improvement since the first scores.",
        ReliableChange.Deterioration => threshold is { } t ? $"Reliable deterioration: a rise of {t} or more since the first score." : "Reliable deterioration since the first scores.",
        ReliableChange.Mixed => "Mixed: a reliable fall on one measure and a reliable rise on the other (neither improvement nor deterioration).",
        _ => threshold is { } t ? $"No reliable change yet (that takes a change of {t} or more)." : "No reliable change yet.",
    };

    public static string Recovery(RecoveryStatus status) => status switch
    {
        RecoveryStatus.ReliablyRecovered => "Reliably recovered",
        RecoveryStatus.Recovered => "Recovered",
        RecoveryStatus.NotRecovered => "Not yet recovered",
        _ => "Recovery does not apply (began below caseness)",
    };

    /// <summary>The same finding for the person whose scores they are, without the service's terms.</summary>
    public static string RecoveryForClient(RecoveryStatus status) => status switch
    {
        RecoveryStatus.ReliablyRecovered => "Out of the clinical range, and a clear change",
        RecoveryStatus.Recovered => "Out of the clinical range",
        RecoveryStatus.NotRecovered => "Still in the clinical range",
        _ => "You started below the clinical range",
    };

    /// <summary>What clients call the caseness line.</summary>
    public const string ClinicalRange = "clinical range";
}
