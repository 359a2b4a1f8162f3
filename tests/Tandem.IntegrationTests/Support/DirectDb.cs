using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tandem.Data;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// The app's own model over a test database, without the app: for checking what a killed
/// Tandem process left behind. System scope (every practice); on PostgreSQL as the cluster's superuser,
/// past row-level security (this context sets no practice scope); read-only by intent.
/// </summary>
public static class DirectDb
{
    private static readonly IServiceProvider IdentityServices = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    public static TandemDbContext Open(TestDatabase database) => database.Provider == TestProvider.Sqlite
        ? new SqliteTandemDbContext(
            new DbContextOptionsBuilder<SqliteTandemDbContext>().UseSqlite($"Data Source={database.SqlitePath};Pooling=False")
                .UseApplicationServiceProvider(IdentityServices).Options,
            TenantContext.ForSystem())
        : new PostgresTandemDbContext(
            new DbContextOptionsBuilder<PostgresTandemDbContext>().UseNpgsql(database.PostgresAdminConnection)
                .UseApplicationServiceProvider(IdentityServices).Options,
            TenantContext.ForSystem());

    /// <summary>SQLite's own check of the file ("ok", or what is wrong), then its foreign keys.</summary>
    /// <param name="readOnly">Look without recovering or checkpointing anything, so the app's own next start does that.</param>
    public static async Task<string> SqliteIntegrityCheckAsync(TestDatabase database, bool readOnly, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={database.SqlitePath};Pooling=False{(readOnly ? ";Mode=ReadOnly" : "")}");
        await connection.OpenAsync(ct);
        var integrity = await LinesAsync(connection, "PRAGMA integrity_check;", ct);
        var foreignKeys = await LinesAsync(connection, "PRAGMA foreign_key_check;", ct);
        var result = string.Join("; ", integrity);
        return foreignKeys.Count == 0 ? result : $"{result}; {foreignKeys.Count} foreign key violations";
    }

    private static async Task<List<string>> LinesAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lines.Add(reader.IsDBNull(0) ? "" : reader.GetValue(0).ToString() ?? "");
        }

        return lines;
    }

    /// <summary>Rows per table, for every table of the model and the migrations history.</summary>
    public static async Task<SortedDictionary<string, long>> CountRowsAsync(TestDatabase database, CancellationToken ct)
    {
        await using var db = Open(database);
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Append("__EFMigrationsHistory").Distinct().ToList();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the app's own model
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
#pragma warning restore CA2100
            counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        await connection.CloseAsync();
        ClearPools(database);
        return counts;
    }

    public static void ClearPools(TestDatabase database)
    {
        if (database.Provider == TestProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
        }
    }
}
