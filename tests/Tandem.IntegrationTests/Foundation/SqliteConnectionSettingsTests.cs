using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// SQLite's durability settings (synchronous=FULL, foreign keys, the busy wait) are applied once per physical
/// connection since the speed work (issue 25), not on every open: every connection the pool hands out must still have them.
/// </summary>
public sealed class SqliteConnectionSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_sqlite_connection_from_the_pool_keeps_full_sync_foreign_keys_and_the_busy_wait()
    {
        await using var app = await TandemApp.StartAsync();
        await using (var probe = app.Services.CreateAsyncScope())
        {
            if (!probe.ServiceProvider.GetRequiredService<TandemDbContext>().Database.IsSqlite())
            {
                // PostgreSQL has no per-connection durability switches to keep: its durability is the server's.
                return;
            }
        }

        // Many contexts, some at once, so the pool both hands back used connections and opens new ones.
        for (var round = 0; round < 3; round++)
        {
            var scopes = Enumerable.Range(0, 6).Select(_ => app.Services.CreateAsyncScope()).ToList();
            try
            {
                foreach (var scope in scopes)
                {
                    var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
                    await db.Database.OpenConnectionAsync(Ct);
                    var connection = (SqliteConnection)db.Database.GetDbConnection();
                    Assert.Equal(2L, await PragmaAsync(connection, "synchronous"));
                    Assert.Equal(1L, await PragmaAsync(connection, "foreign_keys"));
                    Assert.Equal(30000L, await PragmaAsync(connection, "busy_timeout"));
                }
            }
            finally
            {
                foreach (var scope in scopes)
                {
                    await scope.DisposeAsync();
                }
            }
        }

        // And a foreign key is really enforced through an ordinary context.
        await using var write = app.Services.CreateAsyncScope();
        var writer = write.ServiceProvider.GetRequiredService<TandemDbContext>();
        await writer.Database.OpenConnectionAsync(Ct);
        await using var command = writer.Database.GetDbConnection().CreateCommand();
        command.CommandText = "INSERT INTO \"Participants\" (\"Id\", \"EngagementId\", \"UserId\", \"Role\", \"JoinedAt\", \"PracticeId\") " +
            "VALUES ('" + Guid.NewGuid() + "', '" + Guid.NewGuid() + "', '" + Guid.NewGuid() + "', 'Client', 0, '" + Guid.NewGuid() + "')";
        var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync(Ct));
        Assert.Contains("FOREIGN KEY", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<long> PragmaAsync(SqliteConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name + ";";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
