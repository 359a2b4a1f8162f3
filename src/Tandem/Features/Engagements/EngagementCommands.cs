using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Engagements;

public sealed record StartEngagementCommand(string Title, EngagementFormat Format);

/// <summary>Work another feature does in the same transaction when an engagement ends (e.g. closing alerts that no longer apply).</summary>
public interface IEngagementEndedStep
{
    Task OnEndedAsync(Engagement engagement, DateTimeOffset at, CancellationToken ct);
}

/// <summary>Work another feature does in the same transaction when a therapist starts an engagement (e.g. the practice's default measures).</summary>
public interface IEngagementStartedStep
{
    Task OnStartedAsync(Engagement engagement, CancellationToken ct);
}

/// <summary>A therapist starts an engagement, pauses, resumes or ends it.</summary>
public sealed class EngagementCommands(
    TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, EngagementQueries queries, IEnumerable<IEngagementEndedStep> endedSteps, IEnumerable<IEngagementStartedStep> startedSteps)
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
        foreach (var step in startedSteps)
        {
            await step.OnStartedAsync(engagement, ct);
        }

        await db.SaveChangesAsync(ct);
        return (await queries.ToViewsAsync([engagement], ct))[0];
    }

    public Task<EngagementView> PauseAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, e => e.Pause(me.Id), ct);

    public Task<EngagementView> ResumeAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, e => e.Resume(me.Id), ct);

    public Task<EngagementView> EndAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, e => e.End(me.Id, time.GetUtcNow()), ct, ended: true);

    private async Task<EngagementView> ChangeAsync(Guid id, Action<Engagement> change, CancellationToken ct, bool ended = false)
    {
        var engagement = await access.RequireTherapistAsync(id, ct: ct);
        change(engagement);
        if (ended)
        {
            foreach (var step in endedSteps)
            {
                await step.OnEndedAsync(engagement, time.GetUtcNow(), ct);
            }
        }

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
