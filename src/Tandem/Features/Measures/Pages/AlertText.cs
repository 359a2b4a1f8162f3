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
