using Tandem.Infrastructure.Hosting;
using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tandem.Data;
using Tandem.Infrastructure.Mail;

namespace Tandem.Infrastructure.Observability;

/// <summary>
/// <c>/health/live</c>: the process answers (no database touched: a load balancer may call it
/// every second). <c>/health/ready</c>: the database answers, its schema is this version's, and
/// mail is going out. 503 names the check that failed in plain words, never a connection string,
/// an address or an exception's text (those go to the server log). Anonymous, never rate-limited,
/// not audited (they read no record). docs/operations.md, "Monitoring".
/// </summary>
public static class TandemHealth
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddTandemHealth(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<HealthSettings>().BindChecked(config, "Health");
        services.AddHealthChecks()
            .AddDbContextCheck<TandemDbContext>("database", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<MigrationsHealthCheck>("migrations", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<OutboxHealthCheck>("outbox", HealthStatus.Unhealthy, [ReadyTag]);
        return services;
    }

    public static void MapTandemHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, report) => context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted),
        }).AllowAnonymous().DisableRateLimiting().WithTags("Health").WithDisplayName("Health: live");

        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadyAsync,
        }).AllowAnonymous().DisableRateLimiting().WithTags("Health").WithDisplayName("Health: ready");
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private static Task WriteReadyAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                // Only the checks' own sentences; an exception's text may name a host or a user, so it stays in the log.
                description = e.Value.Exception is not null
                    ? $"The check could not run ({e.Value.Exception.GetType().Name}); the server log has the details."
                    : e.Value.Description ?? (e.Value.Status == HealthStatus.Healthy ? "OK." : "Not ready."),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}

public sealed class HealthSettings
{
    /// <summary>How long the oldest unsent email may wait before the ready check fails (Health:OutboxMaxAge).</summary>
    public TimeSpan OutboxMaxAge { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Ready only when no migration of this version is missing from the database (the runtime role may read the history).</summary>
internal sealed class MigrationsHealthCheck(TandemDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("Every migration of this version is applied.")
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"The database is {pending.Count} migration(s) behind this version of Tandem (next: {pending[0]}). Run `dotnet Tandem.dll migrate` with the owner's connection.");
    }
}

/// <summary>
/// Ready only while mail goes out: the oldest email still waiting was queued less than Health:OutboxMaxAge ago.
/// One indexed query over every practice (system scope: the check is anonymous and row-level security would show it nothing).
/// </summary>
internal sealed class OutboxHealthCheck(TandemDbContext db, TimeProvider time, Microsoft.Extensions.Options.IOptions<HealthSettings> settings) : IHealthCheck
{
    /// <summary>
    /// Still to be sent: not sent, and not given up on. Mail that failed for good (a permanent SMTP refusal,
    /// shown on the admin's page) waits for nobody, so it does not hold readiness down: the outbox's own
    /// "waiting" rule (sent at and failed at both empty).
    /// </summary>
    internal static readonly Expression<Func<OutboxMessage, bool>> Waiting = OutboxMessage.Waiting;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var maxAge = settings.Value.OutboxMaxAge;
        var cutoff = time.GetUtcNow() - maxAge;
        using var system = db.Tenant.AsSystem();
        var stuck = await db.Set<OutboxMessage>().Where(Waiting).Where(m => m.CreatedAt < cutoff)
            .OrderBy(m => m.CreatedAt).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (stuck is not { } oldest)
        {
            return HealthCheckResult.Healthy($"No email has waited longer than {Minutes(maxAge)}.");
        }

        return new HealthCheckResult(context.Registration.FailureStatus,
            $"The oldest unsent email has waited {Minutes(time.GetUtcNow() - oldest)} (more than {Minutes(maxAge)}): mail is not going out. Check the mail settings and the mail server.");
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} minutes" : $"{(int)span.TotalSeconds} seconds";
}
