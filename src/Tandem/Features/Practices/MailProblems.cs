using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Practices;

/// <summary>One email the mail server refused for good: what kind, when, and why in reply codes. Never the address or the text.</summary>
public sealed record MailProblem(string Kind, DateTimeOffset QueuedAt, DateTimeOffset FailedAt, string Reason);

/// <summary>Mail that is still waiting after failed tries, and the latest error (addresses masked).</summary>
public sealed record MailBacklog(int Waiting, DateTimeOffset? OldestQueuedAt, string? LastError);

public sealed record MailProblemsView(IReadOnlyList<MailProblem> Refused, MailBacklog Retrying);

/// <summary>
/// The practice admin's view of mail that did not arrive (issue 26, item 6): refused for good
/// (a 5xx reply, not retried) in the last 90 days, and mail still being retried. Kinds and times
/// only: whom it was for and what it said stay out of sight, as in the logs.
/// </summary>
public sealed class MailProblems(TandemDbContext db, CurrentUser me, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    public const int MaxListed = 50;

    public async Task<MailProblemsView> GetAsync(CancellationToken ct = default)
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }

        var practiceId = me.PracticeId;
        var since = time.GetUtcNow() - Window;
        var outbox = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.PracticeId == practiceId);
        var refused = await outbox.Where(m => m.FailedAt != null && m.FailedAt >= since)
            .OrderByDescending(m => m.FailedAt).Take(MaxListed)
            .Select(m => new MailProblem(m.Kind, m.CreatedAt, m.FailedAt!.Value, m.FailureReason ?? ""))
            .ToListAsync(ct);
        var retrying = outbox.Where(OutboxMessage.Waiting).Where(m => m.Attempts > 0);
        var waiting = await retrying.CountAsync(ct);
        var oldest = waiting == 0 ? null : await retrying.OrderBy(m => m.CreatedAt).Select(m => new { m.CreatedAt, m.LastError }).FirstAsync(ct);
        return new MailProblemsView(refused, new MailBacklog(waiting, oldest?.CreatedAt, oldest?.LastError is { } e ? LogRedaction.Redact(e) : null));
    }
}

public sealed class MailProblemsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config) => services.AddScoped<MailProblems>();

    public void MapEndpoints(IEndpointRouteBuilder app) =>
        app.MapGet("/api/practice/mail-problems", async (MailProblems u, CancellationToken ct) => TypedResults.Ok(await u.GetAsync(ct)))
            .RequireAuthorization(Policies.PracticeAdmin)
            .WithTags("Practice")
            .WithSummary("Email the mail server refused for good (kind, times, reply codes) and email still being retried (practice admin). Never addresses or text.");
}
