using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Messages;

/// <summary>
/// Who may see which thread, decided in one place after <see cref="EngagementAccess"/> has
/// established participation. The shared conversation is for every participant. A one-to-one
/// thread is for its client and the engagement's therapists (as personal records are, see
/// <see cref="EngagementAccess.CanSeePersonal"/>); for anyone else it does not exist (404, and
/// the refusal is audited), so the other partner cannot even learn that it exists.
/// </summary>
public sealed class MessageThreads(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit)
{
    public async Task<(Engagement Engagement, Guid Thread, EngagementMessagingSettings? Settings)> RequireAsync(
        Guid engagementId, Guid? withClient, bool forWriting, CancellationToken ct)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "Message", ct);
        var settings = await SettingsAsync(engagementId, ct);
        var thread = withClient ?? Guid.Empty;
        if (thread == Guid.Empty)
        {
            return (engagement, thread, settings);
        }

        if (!engagement.IsClient(thread) || !EngagementAccess.CanSeePersonal(engagement, thread, me.Id))
        {
            await RefuseAsync(engagementId, ct);
        }

        var allowed = settings?.AllowPrivateThreads == true;
        var exists = await db.Set<Message>().AnyAsync(m => m.EngagementId == engagementId && m.ThreadWith == thread, ct);
        // Only a therapist opens a one-to-one thread, and only while the engagement allows it;
        // a thread that was opened stays readable to its own people if the setting is later turned off.
        var visible = engagement.IsTherapist(me.Id) ? allowed || exists : exists;
        if (!visible || (forWriting && !allowed))
        {
            await RefuseAsync(engagementId, ct);
        }

        return (engagement, thread, settings);
    }

    /// <summary>The threads this person can see in the engagement: the shared one first, then one-to-one threads.</summary>
    public async Task<IReadOnlyList<Guid>> VisibleThreadsAsync(Engagement engagement, EngagementMessagingSettings? settings, CancellationToken ct)
    {
        var threads = new List<Guid> { Guid.Empty };
        if (engagement.IsTherapist(me.Id))
        {
            var clients = engagement.Clients.Select(c => c.UserId).ToList();
            if (settings?.AllowPrivateThreads == true)
            {
                threads.AddRange(clients);
            }
            else
            {
                var opened = await db.Set<Message>().Where(m => m.EngagementId == engagement.Id && m.ThreadWith != Guid.Empty)
                    .Select(m => m.ThreadWith).Distinct().ToListAsync(ct);
                threads.AddRange(clients.Where(opened.Contains));
            }
        }
        else if (await db.Set<Message>().AnyAsync(m => m.EngagementId == engagement.Id && m.ThreadWith == me.Id, ct))
        {
            threads.Add(me.Id);
        }

        return threads;
    }

    /// <summary>Everyone a message in this thread reaches: all participants, or the client and the therapists.</summary>
    public static IReadOnlyList<Guid> AudienceOf(Engagement engagement, Guid thread) => thread == Guid.Empty
        ? engagement.ActiveParticipants.Select(p => p.UserId).ToList()
        : engagement.Therapists.Select(t => t.UserId).Append(thread).Distinct().ToList();

    public Task<EngagementMessagingSettings?> SettingsAsync(Guid engagementId, CancellationToken ct) =>
        db.Set<EngagementMessagingSettings>().FirstOrDefaultAsync(s => s.EngagementId == engagementId, ct);

    public async Task RefuseAsync(Guid engagementId, CancellationToken ct)
    {
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "MessageThread",
            ObjectId = engagementId.ToString(),
            DataCategory = AuditCategories.Clinical,
            Outcome = AuditOutcome.Refused,
            Purpose = AuditPurposes.AccessControl,
        }, ct);
        throw DomainException.NotFound();
    }
}
