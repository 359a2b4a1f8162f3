using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Engagements;

public sealed record StartEngagementCommand(string Title, EngagementFormat Format);

/// <summary>A therapist starts an engagement, pauses, resumes or ends it.</summary>
public sealed class EngagementCommands(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, EngagementQueries queries)
{
    public async Task<EngagementView> StartAsync(StartEngagementCommand command, CancellationToken ct = default)
    {
        if (!me.IsTherapist)
        {
            throw DomainException.NotFound();
        }

        var engagement = Engagement.Start(me.PracticeId, command.Title, command.Format, me.Id, time.GetUtcNow());
        db.Engagements.Add(engagement);
        Stage(AuditAction.Create, engagement.Id);
        await db.SaveChangesAsync(ct);
        return (await queries.ToViewsAsync([engagement], ct))[0];
    }

    public Task<EngagementView> PauseAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, e => e.Pause(me.Id), ct);

    public Task<EngagementView> ResumeAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, e => e.Resume(me.Id), ct);

    public Task<EngagementView> EndAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, e => e.End(me.Id, time.GetUtcNow()), ct);

    private async Task<EngagementView> ChangeAsync(Guid id, Action<Engagement> change, CancellationToken ct)
    {
        var engagement = await access.RequireTherapistAsync(id, ct: ct);
        change(engagement);
        Stage(AuditAction.Update, engagement.Id);
        await db.SaveChangesAsync(ct);
        return (await queries.ToViewsAsync([engagement], ct))[0];
    }

    private void Stage(AuditAction action, Guid engagementId) => audit.Stage(new AuditEvent
    {
        Action = action,
        ObjectType = "Engagement",
        ObjectId = engagementId.ToString(),
        EngagementId = engagementId,
        DataCategory = AuditCategories.Clinical,
    });
}
