using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Tandem.Data;

/// <summary>
/// SQLite's planner chooses an index from the statistics ANALYZE keeps in <c>sqlite_stat1</c>; without them it guesses,
/// and on a grown database it guessed wrong where every request pays (issue 25, large set): the engagement check read
/// the practice's participants through the index on (practice, person) and kept the two of the engagement (1,000 rows
/// read for 2), and the agreement check read every signature of the practice's current agreement (500 for 1). Both
/// answer from the index on the engagement once statistics exist.
/// <para>
/// So Tandem asks SQLite to keep them, as SQLite recommends for a long-lived database: <c>PRAGMA optimize=0x10002</c>
/// before the server takes requests and then every <c>Database:SqliteStatisticsInterval</c> (default an hour). It looks at
/// every table and runs ANALYZE only on those never analysed or much grown or shrunk since, reading at most
/// <see cref="AnalysisLimit"/> rows an index (on the large benchmark set of 3.2 million rows: about 3.5 s at the first
/// start, then nothing until a table grows). PostgreSQL keeps its own (autovacuum), so this is SQLite only.
/// </para>
/// </summary>
public sealed class SqliteStatistics(IServiceScopeFactory scopes, DatabaseSettings settings, TimeProvider time, SqliteStatistics.Timing timing, ILogger<SqliteStatistics> logger) : BackgroundService
{
    /// <summary>How often the statistics are refreshed (<c>Database:SqliteStatisticsInterval</c>, an hour), read as the app is built.</summary>
    public sealed record Timing(TimeSpan Interval)
    {
        public static Timing From(IConfiguration config) => new(Infrastructure.Hosting.Setting.Get(config, "Database:SqliteStatisticsInterval", TimeSpan.FromHours(1)));
    }

    /// <summary>
    /// The rows ANALYZE reads of each index, as SQLite's documentation suggests (100 to 1000). With SQLite's own limit
    /// for PRAGMA optimize the first analysis of the large set took about 20 s, the database's one writer waiting; with
    /// this one about 3.5 s from a cold start and 0.1 s with the file in the page cache.
    /// </summary>
    public const int AnalysisLimit = 1000;

    /// <summary>Analyse what needs it (never analysed, or its size changed a great deal since).</summary>
    public static async Task RefreshAsync(TandemDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsSqlite())
        {
            return;
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            var before = await KeptAsync(connection, ct);
            await db.Database.ExecuteSqlRawAsync($"PRAGMA analysis_limit={AnalysisLimit}; PRAGMA optimize=0x10002; PRAGMA analysis_limit=0;", ct);
            if (await KeptAsync(connection, ct) != before)
            {
                // Each connection reads the statistics when it loads the schema, and another connection's ANALYZE does
                // not make it load them again (seen: it kept its old plan, a new connection took the new one). So the
                // pooled connections are closed, and the next ones plan with the new figures.
                SqliteConnection.ClearPool(connection);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The statistics as they stand, as one text to compare (empty before the first ANALYZE).</summary>
    private static async Task<string> KeptAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
        if ((long)(await command.ExecuteScalarAsync(ct))! == 0)
        {
            return "";
        }

        command.CommandText = "SELECT coalesce(group_concat(tbl || ' ' || coalesce(idx, '') || ' ' || stat, ';'), '') FROM sqlite_stat1";
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The refresh in a scope of its own (at start, and from the timer).</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using var system = db.Tenant.AsSystem();
        await RefreshAsync(db, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        using var timer = new PeriodicTimer(timing.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stale statistics slow some pages; they never change an answer. Try again at the next tick.
                logger.LogWarning(ex, "Could not refresh SQLite's planner statistics");
            }
        }
    }
}
