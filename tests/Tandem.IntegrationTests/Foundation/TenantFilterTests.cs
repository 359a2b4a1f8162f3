using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// The practice filter every practice-scoped query carries. It must (1) never let one practice's
/// query see another's rows nor hide rows from Tandem's own system work, whatever order the two
/// kinds of query run in, and (2) reach the database as a plain "PracticeId = @p", so the
/// indexes that begin with PracticeId are used: "(@bypass OR PracticeId = @p)" made SQLite scan
/// whole tables (the access log's weekly summary read every audit entry of the installation).
/// </summary>
public sealed class TenantFilterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Practice_and_system_queries_see_exactly_their_rows_in_any_order()
    {
        await using var app = await TandemApp.StartAsync();
        var (riverside, harbor, all) = await CountsAsync(app);
        Assert.True(riverside > 0 && harbor > 0, "the demo has engagements in both practices");
        Assert.Equal(riverside + harbor, all);

        // The same query shapes again, in the other orders, each in a fresh scope and in one scope.
        for (var round = 0; round < 3; round++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            Assert.Equal(all, await SystemCountAsync(db));
            Assert.Equal(harbor, await PracticeCountAsync(db, await PracticeIdAsync(app, "Harbor")));
            Assert.Equal(all, await SystemCountAsync(db));
            Assert.Equal(riverside, await PracticeCountAsync(db, await PracticeIdAsync(app, "Riverside")));
        }
    }

    /// <summary>
    /// System work's queries are compiled without the filters (TenantQueries). The same query for a
    /// practice must never get that plan, nor the reverse, whichever runs first, in one context or
    /// two: navigations, joins, subqueries, projections and lookups by key.
    /// </summary>
    [Fact]
    public async Task A_query_compiled_for_system_work_is_never_served_to_a_practice_nor_the_reverse()
    {
        await using var app = await TandemApp.StartAsync();
        var riverside = await PracticeIdAsync(app, "Riverside");
        var harbor = await PracticeIdAsync(app, "Harbor");
        Shapes? truthAll = null, truthRiverside = null, truthHarbor = null;
        Guid harborEngagement = Guid.Empty;
        await app.WithDbAsync(async db =>
        {
            // The truth, from explicit conditions rather than the filters.
            truthAll = await ShapesAsync(db, null);
            truthRiverside = await ShapesAsync(db, riverside);
            truthHarbor = await ShapesAsync(db, harbor);
            harborEngagement = await db.Engagements.Where(e => e.PracticeId == harbor).Select(e => e.Id).FirstAsync(Ct);
        });
        Assert.True(truthRiverside!.Engagements > 0 && truthHarbor!.Engagements > 0, "the demo has engagements in both practices");

        for (var round = 0; round < 2; round++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            if (round == 0)
            {
                using (db.Tenant.AsSystem())
                {
                    Assert.Equal(truthAll, await ShapesAsync(db, null));
                    Assert.NotNull(await db.Engagements.FindAsync([harborEngagement], Ct));
                }
            }

            using (db.Tenant.Use(riverside))
            {
                Assert.Equal(truthRiverside, await ShapesAsync(db, null));
                db.ChangeTracker.Clear();
                Assert.Null(await db.Engagements.FindAsync([harborEngagement], Ct));
            }

            using (db.Tenant.Use(harbor))
            {
                Assert.Equal(truthHarbor, await ShapesAsync(db, null));
            }

            using (db.Tenant.AsSystem())
            {
                Assert.Equal(truthAll, await ShapesAsync(db, null));
                Assert.NotNull(await db.Engagements.FindAsync([harborEngagement], Ct));
            }

            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Counts by several query shapes; with a practice, each shape names it explicitly.</summary>
    private sealed record Shapes(int Engagements, int ParticipantsByInclude, int EmailsByJoin, int UsersBySubquery, string Practices);

    private static async Task<Shapes> ShapesAsync(TandemDbContext db, Guid? practice)
    {
        db.ChangeTracker.Clear();
        var engagements = await db.Engagements.AsNoTracking().Include(e => e.Participants)
            .Where(e => practice == null || e.PracticeId == practice).ToListAsync(Ct);
        var emails = await (from p in db.Participants
                            join u in db.Users on p.UserId equals u.Id
                            where practice == null || p.PracticeId == practice
                            select u.Email).CountAsync(Ct);
        var users = await db.Users.CountAsync(u => (practice == null || u.PracticeId == practice) && db.Participants.Any(p => p.UserId == u.Id), Ct);
        var practices = await db.Practices.Where(p => practice == null || p.Id == practice).OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(Ct);
        return new Shapes(engagements.Count, engagements.Sum(e => e.Participants.Count), emails, users, string.Join(",", practices));
    }

    [Fact]
    public async Task A_practice_query_reaches_the_database_without_the_system_switch()
    {
        await using var app = await TandemApp.StartAsync();
        var practiceId = await PracticeIdAsync(app, "Riverside");
        var engagementId = Guid.NewGuid();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.Use(practiceId))
        {
            var sql = db.AuditEntries.Where(e => e.EngagementId == engagementId && e.Action == AuditAction.Read).ToQueryString();
            Assert.DoesNotContain("TenantBypass", sql, StringComparison.Ordinal);
            Assert.DoesNotContain(" OR ", sql, StringComparison.Ordinal);
            Assert.Contains("PracticeId", sql, StringComparison.Ordinal);
        }

        using (db.Tenant.AsSystem())
        {
            var sql = db.AuditEntries.Where(e => e.EngagementId == engagementId).ToQueryString();
            Assert.DoesNotContain("PracticeId\" =", sql, StringComparison.Ordinal);
        }

        if (db.Database.IsSqlite())
        {
            // What SQLite does with it: the summary's query finds its rows through an index.
            using (db.Tenant.Use(practiceId))
            {
                var since = DateTimeOffset.UtcNow.AddDays(-7);
                var query = db.AuditEntries.Where(e => e.EngagementId == engagementId && e.At >= since && e.Action == AuditAction.Read)
                    .GroupBy(e => e.ObjectType).Select(g => new { g.Key, Count = g.Count() });
                var plan = await PlanAsync(db, query.ToQueryString());
                Assert.DoesNotContain(plan, line => line.Contains("SCAN a", StringComparison.Ordinal) && !line.Contains("INDEX", StringComparison.Ordinal));
                Assert.Contains(plan, line => line.Contains("USING INDEX IX_AuditEntries_PracticeId_EngagementId_At", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task An_engagements_newest_entries_are_read_in_index_order_and_no_table_keeps_a_lone_practice_index()
    {
        await using var app = await TandemApp.StartAsync();
        var practiceId = await PracticeIdAsync(app, "Riverside");
        var engagementId = Guid.NewGuid();
        var viewer = Guid.NewGuid();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();

        // A table whose indexes lead with PracticeId has no index of PracticeId alone: it cost every insert, and SQLite
        // took it for the access log's "newest first" list, walking all of a practice's entries in id order.
        var lone = db.Model.GetEntityTypes()
            .Where(t => t.GetIndexes().Select(i => i.Properties).Concat(t.GetKeys().Select(k => k.Properties)).Any(p => p.Count > 1 && p[0].Name == "PracticeId")
                && t.GetIndexes().Any(i => i.Properties.Count == 1 && i.Properties[0].Name == "PracticeId" && !i.IsUnique))
            .Select(t => t.GetTableName()).ToList();
        Assert.Empty(lone);

        if (db.Database.IsSqlite())
        {
            using (db.Tenant.Use(practiceId))
            {
                // The shape of AccessLog.ForEngagementAsync for a client: newest first, a page at a time.
                var query = db.AuditEntries.AsNoTracking()
                    .Where(e => e.EngagementId == engagementId && (e.DataCategory == AuditCategories.Clinical || e.DataCategory == AuditCategories.Personal))
                    .Where(e => e.SubjectUserId == null || e.SubjectUserId == viewer)
                    .Where(e => e.UserId == null || e.UserId != viewer)
                    .OrderByDescending(e => e.Id).Take(100);
                var plan = await PlanAsync(db, query.ToQueryString());
                Assert.Contains(plan, line => line.Contains("USING INDEX IX_AuditEntries_PracticeId_EngagementId_Id", StringComparison.Ordinal));
                Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
            }
        }
    }

    private static async Task<List<string>> PlanAsync(TandemDbContext db, string sql)
    {
        // ToQueryString declares the parameters as .param set lines; run the plan with them bound.
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        var lines = sql.Split('\n');
        foreach (var line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            var parts = line[".param set ".Length..].Split(' ', 2);
            var p = command.CreateParameter();
            p.ParameterName = parts[0];
            p.Value = parts[1].Trim().Trim('\'');
            command.Parameters.Add(p);
        }

        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    private static async Task<(int Riverside, int Harbor, int All)> CountsAsync(TandemApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var riverside = await PracticeCountAsync(db, await PracticeIdAsync(app, "Riverside"));
        var all = await SystemCountAsync(db);
        var harbor = await PracticeCountAsync(db, await PracticeIdAsync(app, "Harbor"));
        return (riverside, harbor, all);
    }

    private static async Task<int> PracticeCountAsync(TandemDbContext db, Guid practiceId)
    {
        using var _ = db.Tenant.Use(practiceId);
        Assert.Equal(1, await db.Practices.AsNoTracking().CountAsync());
        return await db.Engagements.AsNoTracking().CountAsync();
    }

    private static async Task<int> SystemCountAsync(TandemDbContext db)
    {
        using var _ = db.Tenant.AsSystem();
        Assert.True(await db.Practices.AsNoTracking().CountAsync() >= 2, "the system sees every practice");
        return await db.Engagements.AsNoTracking().CountAsync();
    }

    private static async Task<Guid> PracticeIdAsync(TandemApp app, string name)
    {
        var id = Guid.Empty;
        await app.WithDbAsync(async db => id = (await db.Practices.AsNoTracking().FirstAsync(p => p.Name.StartsWith(name))).Id);
        return id;
    }
}
