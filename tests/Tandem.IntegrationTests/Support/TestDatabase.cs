using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// Every test gets its own database, copied from a template that was migrated (and, for the
/// seeded template, filled with the demo practices) once per test run: a file copy on SQLite,
/// CREATE DATABASE ... TEMPLATE on PostgreSQL. On PostgreSQL the app runs as in production with
/// two roles (docs/operations.md): <see cref="OwnerRole"/> owns the tables and migrates,
/// <see cref="RuntimeRole"/> (no superuser, so row-level security holds) is what the app works through.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static readonly Dictionary<string, string> Templates = [];

    public const string OwnerRole = "tandem_owner";

    public const string RuntimeRole = "tandem_app";

    private static bool _rolesCreated;

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

    /// <summary>The app's own connection: the runtime role.</summary>
    public string? PostgresConnection { get; }

    /// <summary>The owner's connection (migrations, and an attacker who has the owner's password).</summary>
    public string? PostgresOwnerConnection => PostgresConnection is null ? null : As(OwnerRole);

    /// <summary>The cluster's superuser on this database (row-level security does not apply): for looking at everything a test left.</summary>
    public string? PostgresAdminConnection => PostgresConnection is null ? null : PostgresConnectionFor(Name);

    public IReadOnlyDictionary<string, string?> Settings => Provider == TestProvider.Sqlite
        ? new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["Database:SqlitePath"] = SqlitePath }
        : new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = PostgresConnection,
            ["ConnectionStrings:Migrations"] = PostgresOwnerConnection,
        };

    private string As(string role) => new NpgsqlConnectionStringBuilder(PostgresConnection) { Username = role }.ConnectionString;

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

        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" OWNER {OwnerRole}");
        return new TestDatabase(TestProvider.Postgres, name, null, RuntimeConnectionFor(name));
    }

    /// <summary>A database for the template itself, before it has any content.</summary>
    internal static async Task<TestDatabase> CreateEmptyAsync(string name)
    {
        if (TestEnvironment.Provider == TestProvider.Sqlite)
        {
            return new TestDatabase(TestProvider.Sqlite, name, Path.Combine(TestEnvironment.RunFolder, name + ".db"), null);
        }

        await EnsureRolesAsync();
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" OWNER {OwnerRole}");
        return new TestDatabase(TestProvider.Postgres, name, null, RuntimeConnectionFor(name));
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
            await using (var app = new TandemApp(db, seeded, new Dictionary<string, string?> { ["Demo:FormerClients"] = formerClients ? "192" : "0" }))
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
                // A copy takes the template's planner statistics with it. Without them every test database is one the
                // planner knows nothing about, a state a running installation is never in for long (autovacuum), and
                // some plans were a thousand times slower (an outcome report: 2.5 s a query instead of 2 ms).
                await using (var connection = new NpgsqlConnection(PostgresConnectionFor(name)))
                {
                    await connection.OpenAsync();
                    await using var analyze = new NpgsqlCommand("ANALYZE", connection);
                    await analyze.ExecuteNonQueryAsync();
                }

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
        await ExecuteAdminAsync($"CREATE DATABASE \"{Name}\" OWNER {OwnerRole}");
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

        foreach (var cs in new[] { PostgresConnection, PostgresOwnerConnection, PostgresAdminConnection })
        {
            await using var connection = new NpgsqlConnection(cs);
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static string PostgresConnectionFor(string database) =>
        new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdminConnection) { Database = database }.ConnectionString;

    private static string RuntimeConnectionFor(string database) =>
        new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdminConnection) { Database = database, Username = RuntimeRole, Password = null }.ConnectionString;

    /// <summary>The two roles, once per cluster (roles are the cluster's; parallel test runs share them). The cluster trusts local connections.</summary>
    private static async Task EnsureRolesAsync()
    {
        if (_rolesCreated)
        {
            return;
        }

        try
        {
            await ExecuteAdminAsync($"""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OwnerRole}') THEN
                        CREATE ROLE {OwnerRole} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                    END IF;
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RuntimeRole}') THEN
                        CREATE ROLE {RuntimeRole} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                    END IF;
                END $$;
                """);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // Another test process created them at the same moment.
        }

        _rolesCreated = true;
    }

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
