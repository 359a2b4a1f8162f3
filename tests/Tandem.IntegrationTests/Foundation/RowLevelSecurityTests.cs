using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tandem.Data;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// Issue 27, defence in depth: on PostgreSQL, row-level security keyed on the practice Tandem sets for each
/// command, so a query that forgets the app's practice filter still cannot read, or write, another practice.
/// SQLite has no row-level security: there these tests have nothing to check (the app's filter is tested in <see cref="TenancyTests"/>).
/// </summary>
public sealed class RowLevelSecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Installation-wide tables, the only ones without a practice's rows.</summary>
    // InstallationCurvePoints: the installation's expected-response curves (issue 24), aggregates over every practice that
    // hold no practice id by design (docs/expected-response.md); under Citus a reference table.
    private static readonly string[] Unscoped = ["DataProtectionKeys", "InstallationCurvePoints", "__EFMigrationsHistory"];

    private static async Task<(TandemApp App, Guid Riverside, Guid Harbor)> DemoAsync()
    {
        var app = await TandemApp.StartAsync();
        Guid riverside = Guid.Empty, harbor = Guid.Empty;
        await app.WithDbAsync(async db =>
        {
            riverside = (await db.Practices.SingleAsync(p => p.Name == "Riverside", Ct)).Id;
            harbor = (await db.Practices.SingleAsync(p => p.Name == "Harbor", Ct)).Id;
        });
        return (app, riverside, harbor);
    }

    private static async Task<List<string>> PracticeTablesAsync(TandemDbContext db) =>
        await db.Database.SqlQueryRaw<string>("""
            SELECT c.relname::text AS "Value" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'PracticeId' AND NOT a.attisdropped
            WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1
            """).ToListAsync(Ct);

    [Fact]
    public async Task A_query_that_forgets_its_practice_filter_sees_only_its_own_practice()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        var (app, riverside, harbor) = await DemoAsync();
        await using var _ = app;
        var tables = new List<string>();
        var othersInSystemScope = 0L;
        await app.WithDbAsync(async db =>
        {
            tables = await PracticeTablesAsync(db);
            foreach (var table in tables)
            {
                othersInSystemScope += await CountOthersAsync(db, table, riverside);
            }
        });
        Assert.True(tables.Count > 30, $"only {tables.Count} tables with a practice id");
        Assert.True(othersInSystemScope > 100, "the demo should have rows of other practices to hide");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.Use(riverside))
        {
            // The app's own filter switched off: the database still keeps Harbor out.
            Assert.Equal([riverside], await db.Engagements.IgnoreQueryFilters().Select(e => e.PracticeId).Distinct().ToListAsync(Ct));
            Assert.False(await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == "kim@harbor.test", Ct), "Kim of Harbor is visible from Riverside");
            Assert.Equal(["Riverside"], await db.Practices.IgnoreQueryFilters().Select(p => p.Name).ToListAsync(Ct));
            Assert.Empty(await db.Database.SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM "Messages" WHERE "PracticeId" = {harbor}""").ToListAsync(Ct));

            // Raw SQL on every practice-scoped table, and Identity's rows of a person, follow the person.
            var leaks = new List<string>();
            foreach (var table in tables)
            {
                if (await CountOthersAsync(db, table, riverside) is var n and > 0)
                {
                    leaks.Add($"{table}: {n}");
                }
            }

            var kimsTokens = await db.Database.SqlQuery<int>($"""SELECT count(*)::int AS "Value" FROM "UserPasskeys" p JOIN "Users" u ON u."Id" = p."UserId" WHERE u."PracticeId" = {harbor}""").SingleAsync(Ct);
            Assert.True(leaks.Count == 0, "Rows of other practices visible from Riverside: " + string.Join(", ", leaks));
            Assert.Equal(0, kimsTokens);
        }

        Figures.Print($"row-level security: {tables.Count} practice-scoped tables read raw from one practice, 0 of {othersInSystemScope} other practices' rows visible");
    }

    [Fact]
    public async Task Writing_into_another_practice_is_refused_by_the_database()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        var (app, riverside, harbor) = await DemoAsync();
        await using var _ = app;
        long harborMessages = 0;
        await app.WithDbAsync(async db => harborMessages = await db.Set<Tandem.Features.Messages.Message>().LongCountAsync(m => m.PracticeId == harbor, Ct));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            using var inRiverside = db.Tenant.Use(riverside);

            // A new row for another practice, or one of ours moved there: refused outright.
            var insert = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "AuditChainHeads" ("PracticeId", "LastSequence", "LastHash") VALUES ({Guid.NewGuid()}, 0, 'forged')""", Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);
            Assert.Contains("row-level security", insert.MessageText, StringComparison.Ordinal);
            var move = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync(
                $"""UPDATE "Engagements" SET "PracticeId" = {harbor} WHERE "PracticeId" = {riverside}""", Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, move.SqlState);

            // Another practice's rows are not there to change or delete.
            Assert.Equal(0, await db.Database.ExecuteSqlAsync($"""UPDATE "Users" SET "DisplayName" = 'Changed from Riverside' WHERE "Email" = 'kim@harbor.test'""", Ct));
            Assert.Equal(0, await db.Database.ExecuteSqlAsync($"""DELETE FROM "Messages" WHERE "PracticeId" = {harbor}""", Ct));
            Assert.Equal(0, await db.Database.ExecuteSqlAsync($"""UPDATE "Practices" SET "Name" = 'Taken' WHERE "Id" = {harbor}""", Ct));
        }

        await app.WithDbAsync(async db =>
        {
            Assert.Equal(harborMessages, await db.Set<Tandem.Features.Messages.Message>().LongCountAsync(m => m.PracticeId == harbor, Ct));
            Assert.Equal("Harbor", (await db.Practices.SingleAsync(p => p.Id == harbor, Ct)).Name);
            Assert.NotEqual("Changed from Riverside", (await db.Users.SingleAsync(u => u.Email == "kim@harbor.test", Ct)).DisplayName);
            Assert.All(await db.Engagements.Select(e => e.PracticeId).Distinct().ToListAsync(Ct), p => Assert.Contains(p, new[] { riverside, harbor }));
        });
    }

    [Fact]
    public async Task The_practice_lasts_one_command_or_one_transaction_and_never_stays_on_a_pooled_connection()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        var (app, riverside, harbor) = await DemoAsync();
        await using var _ = app;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        await db.Database.OpenConnectionAsync(Ct);
        var connection = db.Database.GetDbConnection();

        using (db.Tenant.Use(riverside))
        {
            Assert.Equal(riverside.ToString(), await SettingAsync(db));
            Assert.Equal("", await RawSettingAsync(connection, null));
            Assert.Equal(0L, await RawCountAsync(connection, null));
        }

        // The same open connection, another practice: only its rows.
        using (db.Tenant.Use(harbor))
        {
            Assert.Equal([harbor], await db.Engagements.IgnoreQueryFilters().Select(e => e.PracticeId).Distinct().ToListAsync(Ct));
        }

        // No scope: nothing.
        Assert.Equal(0, await db.Engagements.IgnoreQueryFilters().CountAsync(Ct));

        // In a transaction the practice holds until it ends, and changes with the scope inside it.
        using (db.Tenant.Use(riverside))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            Assert.True(await db.Engagements.IgnoreQueryFilters().AnyAsync(Ct));
            var raw = transaction.GetDbTransaction();
            Assert.Equal(riverside.ToString(), await RawSettingAsync(connection, raw));
            using (db.Tenant.Use(harbor))
            {
                Assert.Equal([harbor], await db.Engagements.IgnoreQueryFilters().Select(e => e.PracticeId).Distinct().ToListAsync(Ct));
            }

            Assert.Equal([riverside], await db.Engagements.IgnoreQueryFilters().Select(e => e.PracticeId).Distinct().ToListAsync(Ct));
            await transaction.CommitAsync(Ct);
        }

        Assert.Equal("", await RawSettingAsync(connection, null));
        await db.Database.CloseConnectionAsync();

        // Back in the app's own pool and out again (the same server process when the pool hands it back), a pool that
        // skips Npgsql's reset on close: nothing in force.
        var appConnection = app.Services.GetRequiredService<DatabaseSettings>().ConnectionString;
        Assert.True(new NpgsqlConnectionStringBuilder(appConnection).NoResetOnClose);
        for (var i = 0; i < 3; i++)
        {
            await using var pooled = new NpgsqlConnection(appConnection);
            await pooled.OpenAsync(Ct);
            Assert.Equal("", await RawSettingAsync(pooled, null));
            Assert.Equal(0L, await RawCountAsync(pooled, null));
        }
    }

    [Fact]
    public async Task Every_table_with_a_practice_holds_forced_row_level_security()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        await using var app = await TandemApp.StartAsync(seeded: false);
        await app.WithDbAsync(async db =>
        {
            var unguarded = await db.Database.SqlQueryRaw<string>("""
                SELECT c.relname::text AS "Value" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind = 'r'
                  AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
                ORDER BY 1
                """).ToListAsync(Ct);
            Assert.Equal(Unscoped.Order(StringComparer.Ordinal), unguarded.Order(StringComparer.Ordinal));
        });
    }

    [Fact]
    public async Task Setting_the_practice_per_command_costs_little()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        var (app, riverside, _) = await DemoAsync();
        await using var _ = app;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        const int Rounds = 400;
        Task<Guid> QueryAsync() => db.Set<Tandem.Features.Sessions.Session>().IgnoreQueryFilters().Where(s => s.PracticeId == riverside).Select(s => s.Id).FirstOrDefaultAsync(Ct);

        // Without a scope no setting is sent (and no row is visible); with one, each query carries it.
        // Interleaved, and medians, so the rest of the machine's load falls on both alike.
        var bare = new List<double>();
        var scoped = new List<double>();
        for (var i = 0; i < Rounds + 50; i++)
        {
            var clock = Stopwatch.StartNew();
            await QueryAsync();
            var without = clock.Elapsed.TotalMicroseconds;
            using (db.Tenant.Use(riverside))
            {
                clock.Restart();
                await QueryAsync();
            }

            if (i >= 50)
            {
                bare.Add(without);
                scoped.Add(clock.Elapsed.TotalMicroseconds);
            }
        }

        var (b, w) = (Median(bare), Median(scoped));
        Figures.Print($"row-level security: median one-row query {b:F0} us without the practice setting, {w:F0} us with it ({w - b:F0} us per command; {Rounds} interleaved rounds)");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static Task<long> CountOthersAsync(TandemDbContext db, string table, Guid practice) =>
#pragma warning disable EF1002 // table names come from the catalogue
        db.Database.SqlQueryRaw<long>($"SELECT count(*) AS \"Value\" FROM \"{table}\" WHERE \"PracticeId\" <> @p0", new NpgsqlParameter("p0", practice)).SingleAsync(Ct);
#pragma warning restore EF1002

    private static Task<string> SettingAsync(TandemDbContext db) =>
        db.Database.SqlQueryRaw<string>("SELECT coalesce(current_setting('tandem.practice_id', true), '') AS \"Value\"").SingleAsync(Ct);

    /// <summary>A command of its own on the connection, past Tandem's interceptor.</summary>
    private static async Task<string> RawSettingAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT coalesce(current_setting('tandem.practice_id', true), '')";
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<long> RawCountAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM \"Engagements\"";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
