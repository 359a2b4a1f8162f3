namespace Tandem.Features.Measures;

/// <summary>New alerts for these therapists, raised in this practice.</summary>
public sealed record AlertsRaised(Guid PracticeId, Guid EngagementId, IReadOnlyList<Guid> TherapistIds, bool IncludesRisk);

/// <summary>
/// In-process notice of new alerts, so an open alert list updates without a reload. Raised
/// only after the alert is committed. (Several web nodes would relay this over the SignalR
/// backplane; one process needs no more than this.)
/// </summary>
public sealed class AlertNotifier
{
    public event Action<AlertsRaised>? Raised;

    public void Publish(AlertsRaised notice)
    {
        foreach (var handler in Raised?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<AlertsRaised>)handler)(notice);
            }
#pragma warning disable CA1031 // One broken listener (a closing circuit) must not stop the others or the submission.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}

/// <summary>
/// The next session of an engagement, for "before each session" schedules. Sessions are
/// their own feature: it replaces this default (no sessions known) with its own service.
/// </summary>
public interface IUpcomingSessions
{
    Task<IReadOnlyDictionary<Guid, DateTimeOffset>> NextStartsAsync(IReadOnlyCollection<Guid> engagementIds, DateTimeOffset now, CancellationToken ct);
}

internal sealed class NoUpcomingSessions : IUpcomingSessions
{
    public Task<IReadOnlyDictionary<Guid, DateTimeOffset>> NextStartsAsync(IReadOnlyCollection<Guid> engagementIds, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<Guid, DateTimeOffset>>(new Dictionary<Guid, DateTimeOffset>());
}
