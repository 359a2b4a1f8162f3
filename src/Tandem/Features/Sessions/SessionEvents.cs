using Tandem.Features.Engagements;
using Tandem.Infrastructure.Live;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Sessions;

public enum SessionChange
{
    Session,
    Agenda,
    Note,
}

/// <summary>
/// Says on the one live-update path (<see cref="LiveUpdates"/>) that something of a session
/// changed. It carries only the session id and what kind of thing changed, never content: each
/// open session room reloads through its own person's access checks.
/// </summary>
public sealed class SessionEvents(LiveUpdates live, CurrentUser me)
{
    public Task PublishAsync(Engagement engagement, Guid sessionId, SessionChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        var what = change switch
        {
            SessionChange.Agenda => "changed the agenda",
            SessionChange.Note => "changed the session note",
            _ => "changed the session",
        };
        return live.PublishAsync(new EngagementChanged(engagement.PracticeId, engagement.Id, LiveTopic.Session, me.Id, me.DisplayName, what)
        {
            ItemId = sessionId,
            Kind = change.ToString(),
        }, ct);
    }
}
