using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Accounts;

public sealed record SignInSessionView(Guid Id, string Kind, string Device, string? Address, string Place, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, bool Current);

public enum RefreshOutcome
{
    Rotated,
    Ended,
    Reused,
}

/// <summary>
/// The server-side sign-in sessions (issue 19, finding 5): started at every sign-in (cookie or API),
/// listed and ended by their owner, ended at sign-out, and for API clients the refresh-token family.
/// Runs in system scope where no practice is known yet (sign-in, refresh); rows are found by id and person.
/// </summary>
public sealed class SignInSessions(TandemDbContext db, TimeProvider time, ISignInRevocations revocations, AuditTrail audit, IHttpContextAccessor http,
    Microsoft.Extensions.Options.IOptions<SecurityOptions> security)
{
    /// <summary>The session the current request runs in, if any.</summary>
    public static Guid? CurrentId(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(TandemClaims.SessionId), out var id) ? id : null;

    public async Task<Guid> StartAsync(TandemUser user, SignInSessionKind kind, CancellationToken ct = default)
    {
        var context = http.HttpContext;
        var address = db.Tenant.SourceAddress?.ToString() ?? context?.Connection.RemoteIpAddress?.ToString();
        var session = SignInSession.Start(user.PracticeId, user.Id, kind, DeviceSummary.Of(context?.Request.Headers.UserAgent.ToString()), address, time.GetUtcNow());
        using (db.Tenant.AsSystem())
        {
            db.SignInSessions.Add(session);
            await db.SaveChangesAsync(ct);
        }

        return session.Id;
    }

    /// <summary>The person's sessions that can still be used, newest use first.</summary>
    public async Task<IReadOnlyList<SignInSessionView>> ListAsync(Guid userId, Guid? currentId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var options = security.Value;
        var signedInAfter = now - options.AbsoluteTimeout;
        // A browser left alone past the idle limit has a dead cookie (LastSeenAt may lag by up to a minute).
        var seenAfter = now - options.IdleTimeout - SignInSessionCache.LastSeenInterval;
        List<SignInSession> rows;
        using (db.Tenant.AsSystem())
        {
            rows = await db.SignInSessions.AsNoTracking()
                .Where(s => s.UserId == userId && s.EndedAt == null && s.CreatedAt > signedInAfter
                    && (s.Kind == SignInSessionKind.Api || s.LastSeenAt > seenAfter))
                .OrderByDescending(s => s.LastSeenAt)
                .Take(100)
                .ToListAsync(ct);
        }

        return rows.Select(s => new SignInSessionView(s.Id, s.Kind == SignInSessionKind.Api ? "app" : "browser", s.Device, s.SourceAddress,
            DeviceSummary.Place(s.SourceAddress), s.CreatedAt, s.LastSeenAt, s.Id == currentId)).ToList();
    }

    /// <summary>Ends one open session of this person; false when there is none with that id.</summary>
    public async Task<bool> EndAsync(Guid userId, Guid sessionId, string reason, CancellationToken ct = default)
    {
        List<SignInSession> open;
        using (db.Tenant.AsSystem())
        {
            open = await db.SignInSessions.Where(s => s.Id == sessionId && s.UserId == userId && s.EndedAt == null).ToListAsync(ct);
        }

        return await EndAllAsync(open, reason, ct) > 0;
    }

    /// <summary>Ends every open session of this person except <paramref name="keep"/>; returns how many ended.</summary>
    public async Task<int> EndOthersAsync(Guid userId, Guid? keep, string reason, CancellationToken ct = default)
    {
        var except = keep ?? Guid.Empty;
        List<SignInSession> open;
        using (db.Tenant.AsSystem())
        {
            open = await db.SignInSessions.Where(s => s.UserId == userId && s.EndedAt == null && s.Id != except).ToListAsync(ct);
        }

        return await EndAllAsync(open, reason, ct);
    }

    /// <summary>
    /// Uses refresh token number <paramref name="generation"/> of the family: it works once. An older one
    /// (a copy replayed after the owner refreshed, or the reverse) ends the whole family.
    /// </summary>
    public async Task<RefreshOutcome> RotateAsync(Guid sessionId, int generation, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        using (db.Tenant.AsSystem())
        {
            // One statement decides between two racing uses of the same token: only one moves the counter.
            var rotated = await db.SignInSessions
                .Where(s => s.Id == sessionId && s.Kind == SignInSessionKind.Api && s.EndedAt == null && s.RefreshGeneration == generation)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RefreshGeneration, generation + 1).SetProperty(x => x.LastSeenAt, now), ct);
            if (rotated == 1)
            {
                return RefreshOutcome.Rotated;
            }

            var session = await db.SignInSessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct);
            if (session is null || !session.IsOpen)
            {
                return RefreshOutcome.Ended;
            }

            await EndAllAsync([session], SessionEndReasons.RefreshTokenReused, ct, AuditOutcome.Refused);
            return RefreshOutcome.Reused;
        }
    }

    private async Task<int> EndAllAsync(List<SignInSession> sessions, string reason, CancellationToken ct, AuditOutcome outcome = AuditOutcome.Success)
    {
        if (sessions.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        foreach (var session in sessions)
        {
            session.End(reason, now);
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Update,
                ObjectType = "SignInSession",
                ObjectId = session.Id.ToString(),
                SubjectUserId = session.UserId,
                PracticeId = session.PracticeId,
                DataCategory = AuditCategories.Security,
                Purpose = AuditPurposes.AccessControl,
                Outcome = outcome,
            });
        }

        using (db.Tenant.AsSystem())
        {
            await db.SaveChangesAsync(ct);
        }

        revocations.SessionsEnded(sessions.Select(s => s.Id));
        return sessions.Count;
    }
}
