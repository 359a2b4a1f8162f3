using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// Every test gets its own database, copied from a template that was migrated (and, for the
/// seeded template, filled with the demo practices) once per test run: a file copy on SQLite,
/// CREATE DATABASE ... TEMPLATE on PostgreSQL.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static readonly Dictionary<string, string> Templates = [];

    private TestDatabase(TestProvider provider, string name, string? sqlitePath, string? postgresConnection)
    {
        Provider = provider;
        Name = name;
        SqlitePath = sqlitePath;
        PostgresConnection = postgresConnection;
    }

    public TestProvider Provider { get; }

    public string Name { get; }

    public string? SqlitePath { get; }

    public string? PostgresConnection { get; }

    public IReadOnlyDictionary<string, string?> Settings => Provider == TestProvider.Sqlite
        ? new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["Database:SqlitePath"] = SqlitePath }
        : new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = PostgresConnection };

    /// <param name="seeded">Whether the demo practices are there.</param>
    /// <param name="formerClients">Whether the demo also has Riverside's former clients (a year of ended engagements, for the outcome report).</param>
    public static async Task<TestDatabase> CreateAsync(bool seeded, bool formerClients = false)
    {
        var template = await TemplateAsync(seeded, seeded && formerClients);
        var name = $"t_{TestEnvironment.RunId}_{Guid.NewGuid():N}"[..40];
        if (TestEnvironment.Provider == TestProvider.Sqlite)
        {
            var path = Path.Combine(TestEnvironment.RunFolder, name + ".db");
            File.Copy(template, path);
            return new TestDatabase(TestProvider.Sqlite, name, path, null);
        }

        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return new TestDatabase(TestProvider.Postgres, name, null, PostgresConnectionFor(name));
    }

    /// <summary>A database for the template itself, before it has any content.</summary>
    internal static async Task<TestDatabase> CreateEmptyAsync(string name)
    {
        if (TestEnvironment.Provider == TestProvider.Sqlite)
        {
            return new TestDatabase(TestProvider.Sqlite, name, Path.Combine(TestEnvironment.RunFolder, name + ".db"), null);
        }

        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"");
        return new TestDatabase(TestProvider.Postgres, name, null, PostgresConnectionFor(name));
    }

    private static async Task<string> TemplateAsync(bool seeded, bool formerClients)
    {
        var kind = !seeded ? "empty" : formerClients ? "history" : "demo";
        await TemplateLock.WaitAsync();
        try
        {
            if (Templates.TryGetValue(kind, out var existing))
            {
                return existing;
            }

            var name = $"tpl_{TestEnvironment.RunId}_{kind}";
            var db = await CreateEmptyAsync(name);
            await using (var app = new TandemApp(db, seeded, new Dictionary<string, string?> { ["Demo:FormerClients"] = formerClients ? "24" : "0" }))
            {
                // Starting the host applies the migrations and, when asked, seeds the demo data.
                _ = app.Services;
            }

            string template;
            if (db.Provider == TestProvider.Sqlite)
            {
                SqliteConnection.ClearAllPools();
                await using (var connection = new SqliteConnection($"Data Source={db.SqlitePath}"))
                {
                    await connection.OpenAsync();
                    await using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                    await checkpoint.ExecuteNonQueryAsync();
                }

                SqliteConnection.ClearAllPools();
                template = db.SqlitePath!;
            }
            else
            {
                NpgsqlConnection.ClearAllPools();
                template = name;
            }

            Templates[kind] = template;
            return template;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    /// <summary>Throws the database away and leaves an empty one of the same name (the "wipe" before a restore).</summary>
    public async Task WipeAsync()
    {
        if (Provider == TestProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(SqlitePath + suffix);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        await ExecuteAdminAsync($"CREATE DATABASE \"{Name}\"");
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == TestProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(SqlitePath + suffix);
                }
                catch (IOException)
                {
                    // A lingering handle; the run folder is temporary anyway.
                }
            }

            return;
        }

        await using (var connection = new NpgsqlConnection(PostgresConnection))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static string PostgresConnectionFor(string database) =>
        new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdminConnection) { Database = database }.ConnectionString;

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
