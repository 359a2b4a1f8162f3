using System.Text.RegularExpressions;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: the access log's default view, "everyone but me", must not step over every visit the viewer ever made.
/// A client who looks at the log daily adds an entry with each look; filtering those out of one newest-first walk made
/// each view cost more than the last (bench: 140 req/s falling to 90 in two minutes of one client's looks). Each query
/// of the list must find its entries by seeking on the person, which the database's own plan shows, on both databases.
/// </summary>
public sealed partial class AccessLogScanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Everyone_but_me_finds_the_others_entries_by_person_however_often_I_looked()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var sams = await Demo.SamsEngagementAsync(app);
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        }

        // Sam's own visits since Alex's: 1,500 of them, newer than anything anyone else did.
        var sam = await Accounts.SignInTests.IdOf(app, "sam@riverside.test");
        var practice = Guid.Empty;
        await app.WithDbAsync(async db => practice = (await db.Engagements.FindAsync([sams], Ct))!.PracticeId);
        var writer = app.Service<AuditWriter>();
        var at = app.Clock.GetUtcNow();
        for (var batch = 0; batch < 3; batch++)
        {
            await writer.WriteManyAsync([.. Enumerable.Range(0, 500).Select(_ => new AuditEvent
            {
                Action = AuditAction.Read,
                ObjectType = "Plan",
                ObjectId = sams.ToString(),
                DataCategory = AuditCategories.Clinical,
                EngagementId = sams,
                SubjectUserId = sam,
                PracticeId = practice,
                UserId = sam,
                Role = "Client",
                SourceAddress = "127.0.0.1",
                At = at,
            })], Ct);
        }

        using var client = await app.ClientForAsync("sam@riverside.test");
        var before = app.Log.Lines.Count;
        var log = await client.GetJsonAsync($"/api/engagements/{sams}/access-log?others=true");
        // The list's queries: newest first from the audit entries (the week's summary counts by hour and is not a list).
        var lists = app.Log.Lines.Skip(before).Where(l => l.Contains("Executed DbCommand", StringComparison.Ordinal)).Select(QueryPlans.SqlOf)
            .Where(sql => sql.Contains("FROM \"AuditEntries\"", StringComparison.Ordinal) && NewestFirstRegex().IsMatch(sql)).ToList();

        var sentences = log.EnumerateArray().Select(e => e.Str("sentence")).ToList();
        Assert.Contains("Alex Rivera opened the plan", sentences);
        Assert.DoesNotContain(log.EnumerateArray(), e => e.Str("who") == "You");
        Assert.NotEmpty(lists);
        await using var connection = await app.OpenRawConnectionAsync();
        foreach (var sql in lists)
        {
            var plan = await QueryPlans.PlanAsync(connection, app.Database.Provider, sql, "AuditEntries");
            Assert.True(SeeksOnPerson(plan, app.Database.Provider), $"this list query walks the engagement's whole log instead of seeking on the person:\n{sql}\n\nplan:\n{plan}");
        }
    }

    /// <summary>Whether the plan reads the entries through an index searched by person (UserId), not filtered after reading.</summary>
    private static bool SeeksOnPerson(string plan, TestProvider provider) => provider == TestProvider.Sqlite
        ? plan.Contains("UserId=?", StringComparison.Ordinal)
        : IndexCondRegex().Matches(plan).Any(m => m.Value.Contains("\"UserId\"", StringComparison.Ordinal));

    [GeneratedRegex(@"ORDER BY \S*""Id"" DESC")]
    private static partial Regex NewestFirstRegex();

    [GeneratedRegex(@"Index Cond: .*")]
    private static partial Regex IndexCondRegex();
}
