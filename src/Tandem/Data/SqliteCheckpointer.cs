using Microsoft.Data.Sqlite;

namespace Tandem.Data;

/// <summary>
/// Moves SQLite's write-ahead log back into the database file from a connection of its own (issue 25), instead of inside
/// whichever commit pushes the log past SQLite's threshold (1,000 pages by default). That commit is most often the audit
/// writer's: every page view waits for it, and while it copied the log and synced the file (2.9% of the server's CPU
/// under a caseload's load, all of it on that one path) the views queued behind it: the tail of every signed-in page.
/// <para>
/// Every <c>Database:SqliteCheckpointInterval</c> (default a quarter second) this runs a PASSIVE checkpoint: it copies
/// what no reader still needs and never waits for, or blocks, a reader or the writer. A commit still checkpoints itself
/// once the log reaches <see cref="FallbackPages"/> pages (about 40 MB), so the log stays bounded even if this falls
/// behind. An interval of zero leaves checkpoints to SQLite's default, in the committing connection.
/// </para>
/// </summary>
public sealed class SqliteCheckpointer(DatabaseSettings settings, SqliteCheckpointer.Timing timing, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>The log size (pages) at which a commit checkpoints by itself when the background checkpoints are on.</summary>
    public const int FallbackPages = 10_000;

    /// <summary>SQLite's own threshold, used when the background checkpoints are off.</summary>
    public const int SqliteDefaultPages = 1_000;

    /// <summary><c>Database:SqliteCheckpointInterval</c>, read as the app is built; zero turns the background checkpoints off.</summary>
    public sealed record Timing(TimeSpan Interval)
    {
        public static Timing From(IConfiguration config)
        {
            var interval = Infrastructure.Hosting.Setting.Get(config, "Database:SqliteCheckpointInterval", TimeSpan.FromMilliseconds(250));
            if (interval < TimeSpan.Zero || interval > TimeSpan.FromMinutes(10))
            {
                throw new Infrastructure.Hosting.SettingException($"Database:SqliteCheckpointInterval must be between 00:00:00 (off) and 00:10:00; {interval} is not.");
            }

            return new Timing(interval);
        }

        public bool InBackground => Interval > TimeSpan.Zero;

        /// <summary>The <c>wal_autocheckpoint</c> every connection gets.</summary>
        public int AutoCheckpointPages => InBackground ? FallbackPages : SqliteDefaultPages;
    }

    /// <summary>Checkpoints done since the start, for the tests and the metrics.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private long _checkpoints;

    /// <summary>One PASSIVE checkpoint: the log's frames, and how many of them are now in the database file.</summary>
    public static (long LogFrames, long Checkpointed) Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(1), reader.GetInt64(2));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Provider != DatabaseProvider.Sqlite || !timing.InBackground)
        {
            return;
        }

        // Off the host's start: the first checkpoint may have a large log to copy.
        await Task.Yield();
        SqliteConnection? connection = null;
        // The machine's clock, not the app's TimeProvider: this is the file's upkeep, not a rule of the record (a test's
        // fake clock, advanced by a day, ran it inline in the test's own thread at every step).
        using var timer = new PeriodicTimer(timing.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // Its own connection, not the pool's: never a request's, never the audit writer's.
                    if (connection is null)
                    {
                        connection = new SqliteConnection(new SqliteConnectionStringBuilder(settings.ConnectionString) { Pooling = false }.ToString());
                        connection.Open();
                        using var setup = connection.CreateCommand();
                        setup.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";
                        setup.ExecuteNonQuery();
                    }

                    Checkpoint(connection);
                    Interlocked.Increment(ref _checkpoints);
                }
                catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
                {
                    // A failed checkpoint loses nothing (the log keeps every frame); a commit checkpoints by itself at the
                    // fallback size. Try again at the next tick, on a new connection.
                    logger.LogWarning(ex, "Could not checkpoint SQLite's write-ahead log");
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }
}
