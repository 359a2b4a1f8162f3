using Tandem.Features.Engagements;
using Tandem.Infrastructure.Live;

namespace Tandem.Features.Measures;

/// <summary>Alerts were raised for an engagement's therapists: the event on the one live-update path.</summary>
public static class AlertsRaised
{
    public static EngagementChanged For(Engagement engagement, Guid byId, string byName, bool includesRisk)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        return new EngagementChanged(engagement.PracticeId, engagement.Id, LiveTopic.Alerts, byId, byName, "raised an alert")
        {
            Audience = engagement.Therapists.Select(t => t.UserId).ToList(),
            IncludesRisk = includesRisk,
        };
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
