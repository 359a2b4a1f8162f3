using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: the access log's lists are the newest entries of one engagement (or of one person in it). Shown the values
/// of a busy engagement and person, PostgreSQL priced a backward walk of the whole trail's primary key as cheaper than the
/// index on (engagement, person, id), and stepped over every newer entry of every other engagement to find them (large
/// set: 17,676 pages read for a therapist's newest 100, 6.6 ms instead of 0.1). The plans checked here are the ones the
/// database makes for the values the app really sent, after the statistics a busy trail gives it.
/// </summary>
public sealed partial class AccessLogPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_access_log_reads_a_busy_persons_newest_entries_through_the_engagements_index_not_the_whole_trail()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var alex = await Accounts.SignInTests.IdOf(app, "alex@riverside.test");
        var jordan = await Accounts.SignInTests.IdOf(app, "jordan@riverside.test");
        var practice = Guid.Empty;
        await app.WithDbAsync(async db => practice = (await db.Engagements.FindAsync([sams], Ct))!.PracticeId);

        // A busy record among many: Alex opened Sam's plan 12,000 times; then 12,000 newer entries went to 400 other
        // engagements (the trail is shared by every engagement of every practice, so it always holds many).
        var elsewhere = Enumerable.Range(0, 400).Select(_ => Guid.CreateVersion7()).ToList();
        await BusyTrail.PlanReadsAsync(app, practice, _ => sams, alex, "Therapist", 12_000);
        await BusyTrail.PlanReadsAsync(app, practice, i => elsewhere[i % elsewhere.Count], jordan, "Client", 12_000);
        await using var connection = await app.OpenRawConnectionAsync();
        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE \"AuditEntries\"";
            await analyze.ExecuteNonQueryAsync(Ct);
        }

        using var sent = new SentCommands(app.Database);
        using (var client = await app.ClientForAsync("sam@riverside.test"))
        {
            // The page's default (everyone but me), one person, and everyone.
            var others = await client.GetJsonAsync($"/api/engagements/{sams}/access-log?others=true");
            Assert.Equal(100, others.GetArrayLength());
            Assert.All(others.EnumerateArray(), e => Assert.Equal("Alex Rivera opened the plan", e.Str("sentence")));
            Assert.Equal(100, (await client.GetJsonAsync($"/api/engagements/{sams}/access-log?who={alex}")).GetArrayLength());
            Assert.Equal(100, (await client.GetJsonAsync($"/api/engagements/{sams}/access-log")).GetArrayLength());
        }

        var lists = sent.Commands.Where(c => c.Sql.Contains("FROM \"AuditEntries\"", StringComparison.Ordinal) && NewestFirstRegex().IsMatch(c.Sql)).ToList();
        Assert.True(lists.Count >= 3, $"expected the three lists' queries, saw {lists.Count}");
        foreach (var list in lists)
        {
            var plan = await list.PlanAsync(connection, app.Database.Provider);
            Assert.True(SeeksOnEngagement(plan, app.Database.Provider), $"this list walks the trail instead of seeking on the engagement:\n{list.Sql}\n\nplan:\n{plan}");
            if (OnePersonRegex().IsMatch(list.Sql))
            {
                Assert.True(SeeksOnPerson(plan, app.Database.Provider), $"this list filters by person after reading instead of seeking on them:\n{list.Sql}\n\nplan:\n{plan}");
            }
        }
    }

    /// <summary>
    /// On PostgreSQL the trail's primary key may only be used to look up a list's entry by its row (one id), never walked
    /// (a backward scan of the whole trail, newest first, stepping over every other engagement's entries).
    /// </summary>
    private static bool SeeksOnEngagement(string plan, TestProvider provider)
    {
        if (provider == TestProvider.Sqlite)
        {
            return plan.Contains("EngagementId=?", StringComparison.Ordinal);
        }

        var lines = plan.Split('\n');
        var walksTheTrail = lines.Select((line, i) => (line, i)).Any(l => l.line.Contains("Seq Scan on \"AuditEntries\"", StringComparison.Ordinal)
            || (l.line.Contains("using \"PK_AuditEntries\"", StringComparison.Ordinal)
                && !(l.i + 1 < lines.Length && lines[l.i + 1].Contains("Index Cond: (\"Id\" = r", StringComparison.Ordinal))));
        return !walksTheTrail && IndexCondRegex().Matches(plan).Any(m => m.Value.Contains("\"EngagementId\"", StringComparison.Ordinal));
    }

    private static bool SeeksOnPerson(string plan, TestProvider provider) => provider == TestProvider.Sqlite
        ? plan.Contains("UserId=?", StringComparison.Ordinal)
        : IndexCondRegex().Matches(plan).Any(m => m.Value.Contains("\"UserId\"", StringComparison.Ordinal));

    [GeneratedRegex(@"ORDER BY \S*""Id"" DESC")]
    private static partial Regex NewestFirstRegex();

    [GeneratedRegex(@"""UserId"" = (\(SELECT )?@")]
    private static partial Regex OnePersonRegex();

    [GeneratedRegex(@"Index Cond: .*")]
    private static partial Regex IndexCondRegex();
}
