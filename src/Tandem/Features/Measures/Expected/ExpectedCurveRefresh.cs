using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;

namespace Tandem.Features.Measures.Expected;

/// <summary>What one refresh did: practices and bands with a curve of their own, and the installation's bands.</summary>
public sealed record CurveRefreshResult(int Practices, int PracticeCurves, int InstallationCurves);

/// <summary>
/// Recomputes the expected-response curves in the background (docs/expected-response.md): a
/// minute after start, then every day (<c>Measures:ExpectedCurveInterval</c>). Each practice's
/// finished courses are tallied inside that practice and its curves replace its old rows; the
/// installation's curves come from the sum of the tallies (counts only) and hold no practice id.
/// </summary>
public sealed class ExpectedCurveRefresh(IServiceScopeFactory scopes, TimeProvider time, ExpectedCurveRefresh.Timing timing, ILogger<ExpectedCurveRefresh> logger) : BackgroundService
{
    /// <summary>When the curves are first refreshed and how often after (<c>Measures:ExpectedCurveFirstRun</c>, <c>Measures:ExpectedCurveInterval</c>), read as the app is built.</summary>
    public sealed record Timing(TimeSpan FirstRun, TimeSpan Interval)
    {
        public static Timing From(IConfiguration config) => new(
            Infrastructure.Hosting.Setting.Get(config, "Measures:ExpectedCurveFirstRun", TimeSpan.FromMinutes(1)),
            Infrastructure.Hosting.Setting.Get(config, "Measures:ExpectedCurveInterval", TimeSpan.FromDays(1)));
    }

    private static readonly string[] Scored = [InstrumentCatalog.Phq9, InstrumentCatalog.Gad7];

    public async Task<CurveRefreshResult> RefreshAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var cache = scope.ServiceProvider.GetRequiredService<IMemoryCache>();
        using var system = db.Tenant.AsSystem();
        var now = time.GetUtcNow();
        var practices = await db.Practices.AsNoTracking().Select(p => p.Id).ToListAsync(ct);
        var installation = new CurveTally();
        var tallies = new List<CurveTally>();
        var practiceCurves = 0;
        foreach (var practiceId in practices)
        {
            var tally = await TallyAsync(db, practiceId, ct);
            tallies.Add(tally);
            installation.Merge(tally);
            var curves = ExpectedCurveBuilder.Build(tally);
            practiceCurves += curves.Count;
            var old = await db.Set<PracticeCurvePoint>().Where(p => p.PracticeId == practiceId).ToListAsync(ct);
            db.RemoveRange(old);
            db.AddRange(curves.SelectMany(c => PracticeCurvePoint.From(practiceId, c, now)));
            audit.Stage(Entry(practiceId));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        // At every installation point, at least a few scores come from practices other than its largest contributor.
        bool Allowed(string instrument, string band, int session) =>
            installation.ScoresAt(instrument, band, session) - tallies.Select(t => t.ScoresAt(instrument, band, session)).DefaultIfEmpty(0).Max()
                >= ExpectedCurveBuilder.MinimumScoresFromOthers;
        var shared = ExpectedCurveBuilder.Build(installation, Allowed);
        db.RemoveRange(await db.Set<InstallationCurvePoint>().ToListAsync(ct));
        db.AddRange(shared.SelectMany(c => InstallationCurvePoint.From(c, now)));
        audit.Stage(Entry(null));
        await db.SaveChangesAsync(ct);
        ExpectedCurveStore.Forget(cache, practices);
        return new CurveRefreshResult(practices.Count, practiceCurves, shared.Count);
    }

    private static AuditEvent Entry(Guid? practiceId) => new()
    {
        Action = AuditAction.Execute,
        ObjectType = "ExpectedCurves",
        ObjectId = practiceId is null ? "installation" : "practice",
        PracticeId = practiceId,
        DataCategory = AuditCategories.Aggregate,
        Purpose = AuditPurposes.Administration,
        Role = "System",
    };

    /// <summary>A practice's finished courses (ended engagements), per client and instrument, oldest score first.</summary>
    internal static async Task<CurveTally> TallyAsync(TandemDbContext db, Guid practiceId, CancellationToken ct)
    {
        var ended = db.Engagements.Where(e => e.PracticeId == practiceId && e.Status == EngagementStatus.Ended).Select(e => e.Id);
        var rows = await db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.PracticeId == practiceId && r.Total != null && Scored.Contains(r.InstrumentId) && ended.Contains(r.EngagementId))
            .OrderBy(r => r.EngagementId).ThenBy(r => r.RespondentId).ThenBy(r => r.SubmittedAt)
            .Select(r => new { r.EngagementId, r.RespondentId, r.InstrumentId, Total = r.Total!.Value })
            .ToListAsync(ct);
        var tally = new CurveTally();
        foreach (var course in rows.GroupBy(r => (r.EngagementId, r.RespondentId, r.InstrumentId)))
        {
            tally.Add(new FinishedCourse(course.Key.InstrumentId, course.Select(r => r.Total).ToList()));
        }

        return tally;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = Math.Clamp(timing.FirstRun.Ticks, TimeSpan.TicksPerSecond, TimeSpan.FromDays(30).Ticks);
        var interval = Math.Clamp(timing.Interval.Ticks, TimeSpan.TicksPerMinute, TimeSpan.FromDays(30).Ticks);
        var wait = TimeSpan.FromTicks(first);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
                wait = TimeSpan.FromTicks(interval);
                var result = await RefreshAsync(stoppingToken);
                logger.LogInformation("Expected-response curves refreshed: {Practices} practices, {PracticeCurves} practice curves, {InstallationCurves} installation curves",
                    result.Practices, result.PracticeCurves, result.InstallationCurves);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError(ex, "Refreshing the expected-response curves failed; will try again");
            }
        }
    }
}
