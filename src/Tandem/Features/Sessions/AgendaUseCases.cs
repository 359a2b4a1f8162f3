using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Sessions;

/// <summary>The shared agenda: every participant adds items before and during the session; a therapist orders them.</summary>
public sealed class AgendaUseCases(TandemDbContext db, SessionAccess sessions, ScheduleUseCases schedule, CurrentUser me, AuditTrail audit, TimeProvider time, SessionEvents events)
{
    public const int MaxItems = 50;

    public async Task<AgendaItemView> AddAsync(Guid sessionId, string text, AgendaItemKind kind, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "AgendaItem", ct);
        engagement.EnsureWritable();
        var count = await db.Set<AgendaItem>().CountAsync(a => a.SessionId == sessionId, ct);
        if (count >= MaxItems)
        {
            throw new DomainException($"An agenda holds up to {MaxItems} items.", DomainError.Conflict);
        }

        var last = await db.Set<AgendaItem>().Where(a => a.SessionId == sessionId).MaxAsync(a => (int?)a.Position, ct) ?? 0;
        var item = AgendaItem.Add(session, me.Id, kind, text, last + 1, time.GetUtcNow());
        db.Set<AgendaItem>().Add(item);
        audit.Stage(SessionAudit.Of(AuditAction.Create, "AgendaItem", item.Id, engagement.Id));
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(engagement, sessionId, SessionChange.Agenda, ct);
        return new AgendaItemView(item.Id, item.Kind, item.Text, item.AuthorId, me.DisplayName, engagement.ParticipantFor(me.Id)!.Role.ToString(), item.Position, item.CreatedAt);
    }

    /// <summary>A therapist sets the order: the given ids first, in that order, then any not named (added meanwhile).</summary>
    public async Task<SessionView> OrderAsync(Guid sessionId, IReadOnlyList<Guid> itemIds, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "AgendaItem", ct);
        engagement.EnsureWritable();
        var items = await db.Set<AgendaItem>().Where(a => a.SessionId == sessionId).OrderBy(a => a.Position).ThenBy(a => a.CreatedAt).ToListAsync(ct);
        if (itemIds.Distinct().Count() != itemIds.Count || itemIds.Any(id => items.All(i => i.Id != id)))
        {
            throw new DomainException("List each item of this session's agenda once.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["itemIds"] = ["Each item of this agenda, once."] });
        }

        var ordered = itemIds.Select(id => items.First(i => i.Id == id)).Concat(items.Where(i => !itemIds.Contains(i.Id))).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            ordered[i].MoveTo(i + 1);
        }

        audit.Stage(SessionAudit.Of(AuditAction.Update, "Agenda", session.Id, engagement.Id));
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(engagement, sessionId, SessionChange.Agenda, ct);
        return await schedule.ViewAsync(session, engagement, ct);
    }

    /// <summary>Moves one item up or down by one place (the session room's buttons).</summary>
    public async Task<SessionView> MoveAsync(Guid sessionId, Guid itemId, int delta, CancellationToken ct = default)
    {
        var ids = await db.Set<AgendaItem>().AsNoTracking().Where(a => a.SessionId == sessionId)
            .OrderBy(a => a.Position).ThenBy(a => a.CreatedAt).Select(a => a.Id).ToListAsync(ct);
        var index = ids.IndexOf(itemId);
        var target = index + Math.Sign(delta);
        if (index >= 0 && target >= 0 && target < ids.Count)
        {
            (ids[index], ids[target]) = (ids[target], ids[index]);
        }

        return await OrderAsync(sessionId, ids, ct);
    }
}
