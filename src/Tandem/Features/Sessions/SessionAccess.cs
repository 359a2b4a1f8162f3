using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Engagements;

namespace Tandem.Features.Sessions;

/// <summary>
/// A session's records are as visible as its engagement: this loads the session and asks
/// <see cref="EngagementAccess"/>, so an unknown id and someone else's session look alike
/// (404, and the refusal is audited).
/// </summary>
public sealed class SessionAccess(TandemDbContext db, EngagementAccess access)
{
    public async Task<(Session Session, Engagement Engagement)> RequireParticipantAsync(Guid sessionId, string objectType, CancellationToken ct, bool tracked = false)
    {
        var session = await Load(tracked).FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null)
        {
            // An unknown session is refused the same way as a foreign one (even when its id happens to name an engagement).
            await access.RefuseAsync(sessionId, objectType, ct);
        }

        var engagement = await access.RequireParticipantAsync(session!.EngagementId, objectType, ct);
        return (session, engagement);
    }

    public async Task<(Session Session, Engagement Engagement)> RequireTherapistAsync(Guid sessionId, string objectType, CancellationToken ct, bool tracked = false)
    {
        var session = await Load(tracked).FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null)
        {
            await access.RefuseAsync(sessionId, objectType, ct);
        }

        var engagement = await access.RequireTherapistAsync(session!.EngagementId, objectType, ct);
        return (session, engagement);
    }

    private IQueryable<Session> Load(bool tracked) => tracked ? db.Set<Session>() : db.Set<Session>().AsNoTracking();
}
