using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: SQLite moved its write-ahead log back into the database file inside whichever commit pushed the log past
/// 1,000 pages, most often the audit writer's, and every page view queued behind that commit while it copied and synced.
/// Tandem checkpoints from a connection of its own (<c>SqliteCheckpointer</c>) every quarter second; a commit still
/// checkpoints by itself once the log reaches 10,000 pages, so the log stays bounded. PostgreSQL checkpoints itself.
/// </summary>
public sealed class SqliteCheckpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commits_leave_checkpoints_to_a_background_connection_that_runs_every_quarter_second()
    {
        await using var app = await TandemApp.StartAsync();
        if (app.Database.Provider != TestProvider.Sqlite)
        {
            // SQLite only: PostgreSQL runs its own checkpoints.
            return;
        }

        // The app's own connections (a request's, the audit writer's) checkpoint only at the fallback size.
        Assert.Equal(SqliteCheckpointer.FallbackPages, await AutoCheckpointPagesAsync(app));

        // Something written through the app, then a quarter second on (the machine's clock: this is the file's upkeep):
        // the background checkpoint has run.
        using (var client = await app.ClientForAsync("sam@riverside.test"))
        {
            await client.GetJsonAsync("/api/me");
        }

        var checkpointer = app.Service<SqliteCheckpointer>();
        var before = checkpointer.Checkpoints;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (checkpointer.Checkpoints == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(checkpointer.Checkpoints > before, "a quarter second on, no background checkpoint had run");
    }

    [Fact]
    public async Task With_the_interval_at_zero_commits_checkpoint_as_sqlite_does_by_default_and_nothing_runs_in_the_background()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Database:SqliteCheckpointInterval"] = "00:00:00" });
        if (app.Database.Provider != TestProvider.Sqlite)
        {
            return;
        }

        Assert.Equal(SqliteCheckpointer.SqliteDefaultPages, await AutoCheckpointPagesAsync(app));
        await Task.Delay(1000, Ct);
        Assert.Equal(0, app.Service<SqliteCheckpointer>().Checkpoints);
    }

    private static async Task<long> AutoCheckpointPagesAsync(TandemApp app)
    {
        long pages = 0;
        await app.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync(Ct);
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA wal_autocheckpoint;";
                pages = (long)(await command.ExecuteScalarAsync(Ct))!;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
        return pages;
    }
}
