using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Features.Invitations;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Practices;

/// <summary>
/// The admin home's counts (issue 21), each one the length of the list it links to: active
/// therapists and clients, deactivated accounts, invitations waiting, mail refused or held up,
/// and security events that need a look (<see cref="SecurityAttention"/>). A few small counts in SQL.
/// </summary>
public sealed record AdminSummaryView(int Therapists, int Clients, int Deactivated, int PendingInvitations, int MailProblems, int SecurityEventsToLookAt);

public sealed class AdminSummary(TandemDbContext db, CurrentUser me, TimeProvider time, PracticeInvitations invitations)
{
    public async Task<AdminSummaryView> GetAsync(CancellationToken ct = default)
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }

        var practiceId = me.PracticeId;
        var now = time.GetUtcNow();
        var byRole = await db.Users.AsNoTracking().Where(u => u.PracticeId == practiceId)
            .GroupBy(u => new { u.Role, u.IsActive }).Select(g => new { g.Key.Role, g.Key.IsActive, Count = g.Count() }).ToListAsync(ct);
        var since = now - MailProblems.Window;
        var outbox = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.PracticeId == practiceId);
        var refused = await outbox.CountAsync(m => m.FailedAt != null && m.FailedAt >= since, ct);
        var retrying = await outbox.Where(OutboxMessage.Waiting).CountAsync(m => m.Attempts > 0, ct);
        var security = await SecurityAttention.Filter(db.AuditEntries.AsNoTracking().Where(e => e.PracticeId == practiceId), now).CountAsync(ct);
        return new AdminSummaryView(
            byRole.Where(r => r.Role == PersonRole.Therapist && r.IsActive).Sum(r => r.Count),
            byRole.Where(r => r.Role == PersonRole.Client && r.IsActive).Sum(r => r.Count),
            byRole.Where(r => !r.IsActive).Sum(r => r.Count),
            await invitations.CountWaitingAsync(ct),
            Math.Min(refused, MailProblems.MaxListed) + retrying,
            security);
    }
}

public sealed class AdminSummaryModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<AdminSummary>();
        services.AddScoped<PracticeInvitations>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var practice = app.MapGroup("/api/practice").WithTags("Practice").RequireAuthorization(Policies.PracticeAdmin);
        practice.MapGet("/summary", async (AdminSummary u, CancellationToken ct) => TypedResults.Ok(await u.GetAsync(ct)))
            .WithSummary("The admin home's counts: active therapists and clients, deactivated accounts, waiting invitations, mail problems, security events needing a look (last 7 days).");
        practice.MapGet("/invitations", async (string? search, string? role, PracticeInvitations u, CancellationToken ct) =>
                TypedResults.Ok(await u.ListAsync(new PeopleQuery(search, role), ct)))
            .WithSummary("Invitations not yet accepted or withdrawn, newest first: therapists to the practice and clients to an engagement (no engagement titles). ?search=&role=Therapist|Client.");
        practice.MapPost("/invitations/{id:guid}/resend", async (Guid id, PracticeInvitations u, CancellationToken ct) => TypedResults.Ok(await u.ResendAsync(id, ct)))
            .WithSummary("Send the invitation again with a new link (7 days from now); the old link stops working. Audited.");
        practice.MapPost("/invitations/{id:guid}/cancel", async (Guid id, PracticeInvitations u, CancellationToken ct) =>
            {
                await u.CancelAsync(id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Withdraw an invitation: its link then says so. Audited.");
    }
}
