using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Engagements;

public sealed record ParticipantView(Guid UserId, string DisplayName, string? Pronouns, string Role, bool HasSigned);

public sealed record EngagementView(
    Guid Id,
    string Title,
    EngagementFormat Format,
    EngagementStatus Status,
    bool AllClientsSigned,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ParticipantView> Participants,
    string MyRole);

/// <summary>The admin's view: who is in which engagement and its state. No title, no clinical content.</summary>
public sealed record PracticeEngagementView(Guid Id, EngagementFormat Format, EngagementStatus Status, DateTimeOffset CreatedAt, IReadOnlyList<ParticipantView> Participants);

public sealed class EngagementQueries(TandemDbContext db, CurrentUser me, EngagementAccess access, AuditTrail audit)
{
    public Task<IReadOnlyList<EngagementView>> MineAsync(CancellationToken ct = default) => MineAsync(record: true, ct);

    /// <param name="record">False for a page that records what it shows of each engagement itself (Today: a read of each engagement shown).</param>
    internal async Task<IReadOnlyList<EngagementView>> MineAsync(bool record, CancellationToken ct)
    {
        var myId = me.Id;
        var engagements = await db.Engagements.AsNoTracking()
            .Include(e => e.Participants)
            .Where(e => e.Participants.Any(p => p.UserId == myId && p.LeftAt == null))
            .OrderByDescending(e => e.CreatedAt)
            .Take(500)
            .ToListAsync(ct);
        var views = await ToViewsAsync(engagements, ct);
        if (record)
        {
            await audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "EngagementList", DataCategory = AuditCategories.Clinical }, engagements.Select(e => e.Id), ct);
        }

        return views;
    }

    public async Task<EngagementView> GetAsync(Guid id, CancellationToken ct = default)
    {
        var engagement = await access.RequireReaderAsync(id, ct: ct);
        var view = (await ToViewsAsync([engagement], ct))[0];
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "Engagement",
            ObjectId = id.ToString(),
            EngagementId = id,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return view;
    }

    public async Task<IReadOnlyList<PracticeEngagementView>> ForPracticeAdminAsync(CancellationToken ct = default)
    {
        var engagements = await db.Engagements.AsNoTracking().Include(e => e.Participants)
            .OrderByDescending(e => e.CreatedAt).Take(2000).ToListAsync(ct);
        var views = await ToViewsAsync(engagements, ct);
        // Who is in which engagement is personal data of each client listed: in their access log, under the admin's name.
        await audit.RecordEachAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "PracticeEngagementList",
            DataCategory = AuditCategories.Personal,
            Purpose = AuditPurposes.Administration,
        }, engagements.Select(e => e.Id), ct);
        return views.Select(v => new PracticeEngagementView(v.Id, v.Format, v.Status, v.CreatedAt, v.Participants)).ToList();
    }

    internal async Task<IReadOnlyList<EngagementView>> ToViewsAsync(IReadOnlyList<Engagement> engagements, CancellationToken ct)
    {
        var ids = engagements.Select(e => e.Id).ToList();
        var userIds = engagements.SelectMany(e => e.ActiveParticipants.Select(p => p.UserId)).Distinct().ToList();
        var people = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.Pronouns }).ToDictionaryAsync(u => u.Id, ct);
        // Signatures of the practice's current agreement, the current version found inside the same query (one round trip
        // fewer on every page that shows an engagement's people).
        var signed = await db.AgreementSignatures.AsNoTracking()
            .Where(s => ids.Contains(s.EngagementId) && s.WithdrawnAt == null
                && (Guid?)s.AgreementVersionId == db.AgreementVersions.OrderByDescending(v => v.Number).Select(v => (Guid?)v.Id).FirstOrDefault())
            .Select(s => new { s.EngagementId, s.UserId })
            .ToListAsync(ct);
        var signedSet = signed.Select(s => (s.EngagementId, s.UserId)).ToHashSet();
        var myId = me.IsSignedIn ? me.Id : Guid.Empty;

        return engagements.Select(e => new EngagementView(
            e.Id,
            e.Title,
            e.Format,
            e.Status,
            e.AllClientsSigned,
            e.CreatedAt,
            e.ActiveParticipants
                .OrderBy(p => p.Role == ParticipantRole.Therapist ? 0 : 1).ThenBy(p => p.JoinedAt)
                .Select(p => new ParticipantView(
                    p.UserId,
                    people.TryGetValue(p.UserId, out var person) ? person.DisplayName : "Former member",
                    people.TryGetValue(p.UserId, out var pr) ? pr.Pronouns : null,
                    p.Role.ToString(),
                    signedSet.Contains((e.Id, p.UserId))))
                .ToList(),
            e.ParticipantFor(myId)?.Role.ToString() ?? "")).ToList();
    }
}
