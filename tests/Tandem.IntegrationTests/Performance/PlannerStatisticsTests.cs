using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: every page about an engagement first loads the engagement with its people. Without statistics SQLite's
/// planner guessed the index on (practice, person) and read all the practice's participants to keep the engagement's
/// two (large set: 1,000 rows read for 2; the agreement's signatures likewise, 500 for 1; a simple engagement read went
/// from 855 to 1,666 requests a second with statistics). Tandem keeps SQLite's statistics (<c>SqliteStatistics</c>);
/// PostgreSQL keeps its own. On the demo's few rows the signatures are rightly scanned whole, so only the people's
/// plan is checked here.
/// </summary>
public sealed class PlannerStatisticsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_engagements_people_are_read_through_the_engagements_index_not_the_practices()
    {
        await using var app = await TandemApp.StartAsync();
        if (app.Database.Provider != TestProvider.Sqlite)
        {
            // PostgreSQL gathers its own statistics (autovacuum) and rightly scans the demo's few rows whole.
            return;
        }

        var sams = await Demo.SamsEngagementAsync(app);
        await using var connection = await app.OpenRawConnectionAsync();

        using var sent = new SentCommands(app.Database);
        using (var client = await app.ClientForAsync("sam@riverside.test"))
        {
            var engagement = await client.GetJsonAsync($"/api/engagements/{sams}");
            Assert.Equal(sams.ToString(), engagement.Str("id"));
        }

        var people = sent.Commands.Where(c => c.Sql.Contains("FROM \"Engagements\"", StringComparison.Ordinal) && c.Sql.Contains("FROM \"Participants\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(people);
        foreach (var load in people)
        {
            var plan = await load.PlanAsync(connection, app.Database.Provider);
            Assert.True(plan.Contains("IX_Participants_EngagementId_UserId", StringComparison.Ordinal),
                $"the engagement's people are not read through the index on the engagement:\n{load.Sql}\n\nplan:\n{plan}");
        }
    }

    [Fact]
    public async Task Sqlite_keeps_planner_statistics_from_the_start_and_refreshes_them_every_hour()
    {
        await using var app = await TandemApp.StartAsync();
        if (app.Database.Provider != TestProvider.Sqlite)
        {
            // SQLite only: PostgreSQL keeps its statistics itself.
            return;
        }

        await using var connection = await app.OpenRawConnectionAsync();
        Assert.True(await StatisticsRowsAsync(connection, "Participants") > 0, "no statistics for Participants after start");

        // Statistics gone (as on a database from before this version): the next refresh brings them back.
        await using (var drop = connection.CreateCommand())
        {
            drop.CommandText = "DELETE FROM sqlite_stat1;";
            await drop.ExecuteNonQueryAsync(Ct);
        }

        // The app's connections load the schema, and with it the statistics, afresh.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal(0, await StatisticsRowsAsync(connection, "Participants"));

        // An hour on (Database:SqliteStatisticsInterval), the background refresh analyses the table again.
        app.Clock.Advance(TimeSpan.FromHours(1));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await StatisticsRowsAsync(connection, "Participants") == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }

        Assert.True(await StatisticsRowsAsync(connection, "Participants") > 0, "an hour on, the refresh had not analysed Participants again");
    }

    private static async Task<long> StatisticsRowsAsync(System.Data.Common.DbConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM sqlite_stat1 WHERE tbl = '{table}'";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
