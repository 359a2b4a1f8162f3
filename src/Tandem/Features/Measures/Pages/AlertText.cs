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
}
