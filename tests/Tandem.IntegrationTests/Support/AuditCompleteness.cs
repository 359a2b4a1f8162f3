using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Audit;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// QUALITY.md R4, run by every integration test: each request the test makes is noted with the
/// number of audit entries its handling wrote; when the app is disposed, every request that
/// touched clinical data, signed in or was refused must have written at least one, and every
/// audit row must have its fields filled. A feature that forgets its audit fails its own tests.
/// </summary>
public sealed class AuditCompleteness
{
    private readonly ConcurrentQueue<SeenRequest> _seen = new();

    public sealed record SeenRequest(string Method, string Path, int Status, bool SignedIn, int AuditEvents);

    public IReadOnlyCollection<SeenRequest> Seen => _seen;

    /// <summary>Paths that read or change a person's clinical record (API and pages).</summary>
    private static readonly string[] ClinicalPrefixes =
    [
        "/api/engagements", "/api/sessions", "/api/commitments", "/api/responses", "/api/alerts",
        "/api/messages", "/api/threads", "/api/notes", "/api/me/export", "/api/practice/outcomes",
        "/engagements/", "/sessions/", "/alerts", "/practice/outcomes",
        // A prospective client's first-conversation request (contact data) as its therapist reads and answers it;
        // the anonymous POST /api/directory/requests itself is not listed (a bot's, dropped by the honeypot, leaves nothing).
        "/api/directory/requests/", "/directory/requests/",
    ];

    /// <summary>Whether this request must have left an audit entry, and why (for the failure message).</summary>
    public static bool MustBeAudited(SeenRequest r)
    {
        var path = r.Path;
        if (path.StartsWith("/api/auth/login", StringComparison.OrdinalIgnoreCase) || (path.Equals("/Account/Login", StringComparison.OrdinalIgnoreCase) && r.Method == "POST"))
        {
            // Every sign-in success and failure; malformed bodies (400) and rate-limited bursts (429) never reach an account.
            return r.Status is not (400 or 429);
        }

        if (!ClinicalPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || path.EndsWith(".ics", StringComparison.OrdinalIgnoreCase) && !r.SignedIn)
        {
            return false;
        }

        // The plan page is a static shell; its board reads the plan over the live connection,
        // audited there (a refusal of the shell itself is still audited). The "start an
        // engagement" form holds no record.
        if (r.Status == 200 && (PlanShell.IsMatch(path) || path.Equals("/engagements/new", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        // A page or API answer that showed or changed something, or a refusal (404) to a signed-in person.
        return r.Status is >= 200 and < 300 || (r.Status == 404 && r.SignedIn);
    }

    private static readonly System.Text.RegularExpressions.Regex PlanShell = new("^/engagements/[0-9a-fA-F-]{36}/plan$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    internal void Add(SeenRequest request) => _seen.Enqueue(request);

    private static long _runRequests;
    private static long _runAudited;
    private static long _runGaps;

    /// <summary>The whole run's R4 figure, printed once when the test process ends (every app of every test is checked on dispose).</summary>
    static AuditCompleteness() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        Console.Out.WriteLine($"figure: audit completeness: {Interlocked.Read(ref _runRequests):N0} requests checked, {Interlocked.Read(ref _runAudited):N0} of them clinical, sign-ins or refusals, {Interlocked.Read(ref _runGaps)} without an audit entry");
        Console.Out.Flush();
    };

    /// <summary>Throws with the list of gaps; called when the test's app is disposed.</summary>
    public async Task AssertCompleteAsync(IServiceProvider services)
    {
        var gaps = _seen.Where(r => MustBeAudited(r) && r.AuditEvents == 0)
            .Select(r => $"{r.Method} {r.Path} -> {r.Status}").Distinct().ToList();
        Interlocked.Add(ref _runRequests, _seen.Count);
        Interlocked.Add(ref _runAudited, _seen.Count(MustBeAudited));
        Interlocked.Add(ref _runGaps, gaps.Count);

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using var system = db.Tenant.AsSystem();
        var unfilled = await db.AuditEntries.AsNoTracking()
            .Where(e => e.ObjectType == "" || e.DataCategory == "" || e.Purpose == "" || e.Hash == "" || e.SourceAddress == null || e.SourceAddress == ""
                || e.Role == null || e.Role == "" || (e.UserId == null && e.Role != "Anonymous" && e.Role != "System"))
            .Select(e => new { e.Sequence, e.ObjectType, e.Role, e.SourceAddress, e.Purpose })
            .ToListAsync();
        gaps.AddRange(unfilled.Select(e => $"audit row {e.Sequence} ({e.ObjectType}) has an empty field: role '{e.Role}', source '{e.SourceAddress}', purpose '{e.Purpose}'"));

        var gapsFile = Environment.GetEnvironmentVariable("TANDEM_AUDIT_GAPS_FILE");
        if (gaps.Count > 0 && !string.IsNullOrEmpty(gapsFile))
        {
            // Survey mode: collect the gaps of a whole run in one file instead of failing.
            await File.AppendAllLinesAsync(gapsFile, gaps);
            return;
        }

        if (gaps.Count > 0)
        {
            throw new AuditGapException("Requests that left no audit entry, or audit rows with empty fields (QUALITY.md R4):" + Environment.NewLine + string.Join(Environment.NewLine, gaps));
        }
    }

    internal sealed class Filter(AuditCompleteness ledger) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, proceed) =>
            {
                try
                {
                    await proceed(context);
                }
                finally
                {
                    ledger.Add(new SeenRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode,
                        context.User.Identity?.IsAuthenticated == true, AuditTrail.EventsOf(context)));
                }
            });
            next(app);
        };
    }
}

public sealed class AuditGapException(string message) : Exception(message);
