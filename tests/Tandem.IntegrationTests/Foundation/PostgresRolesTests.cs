using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// Issue 26 item 7, least privilege on PostgreSQL: the app works through a runtime role that reads and
/// writes but cannot change the schema or switch the audit trail's guards off; the owner migrates.
/// SQLite has no roles: there these tests have nothing to check.
/// </summary>
public sealed class PostgresRolesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Refused =
    [
        """ALTER TABLE "Engagements" ADD COLUMN "Intruder" integer""",
        """DROP TABLE "Messages" """,
        """ALTER TABLE "AuditEntries" DISABLE TRIGGER USER""",
        """ALTER TABLE "AuditEntries" DISABLE TRIGGER "AuditEntries_append_only" """,
        """DROP TRIGGER "AuditEntries_append_only" ON "AuditEntries" """,
        """TRUNCATE "AuditEntries" """,
        """UPDATE "AuditEntries" SET "Purpose" = 'x'""",
        """DELETE FROM "AuditEntries" """,
        """SET session_replication_role = replica""",
        """ALTER TABLE "Engagements" DISABLE ROW LEVEL SECURITY""",
        """ALTER TABLE "Engagements" NO FORCE ROW LEVEL SECURITY""",
        """DROP POLICY tandem_practice ON "Engagements" """,
        """CREATE TABLE "Intruder" ("Id" integer)""",
        """DELETE FROM "__EFMigrationsHistory" """,
    ];

    [Fact]
    public async Task The_apps_role_cannot_alter_or_drop_tables_or_switch_the_audit_triggers_off()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        await using var app = await TandemApp.StartAsync();
        var accepted = new List<string>();
        await app.WithDbAsync(async db =>
        {
            foreach (var sql in Refused)
            {
                try
                {
                    await db.Database.ExecuteSqlRawAsync(sql, Ct);
                    accepted.Add(sql);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    // As it must be.
                }
                catch (PostgresException e)
                {
                    accepted.Add($"{sql} (allowed, then failed otherwise: {e.SqlState})");
                }
            }

            Assert.True(accepted.Count == 0, "The app's own database role was allowed: " + string.Join("; ", accepted));

            // Neither a superuser nor a role that may pass row-level security, create roles or databases.
            Assert.False(await db.Database.SqlQueryRaw<bool>("SELECT (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb) AS \"Value\" FROM pg_roles WHERE rolname = current_user").SingleAsync(Ct),
                "The app connects as a superuser or a role with BYPASSRLS, CREATEROLE or CREATEDB.");
            Assert.NotEqual(
                await db.Database.SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"").SingleAsync(Ct),
                await db.Database.SqlQueryRaw<string>("SELECT tableowner::text AS \"Value\" FROM pg_tables WHERE tablename = 'AuditEntries'").SingleAsync(Ct));
        });

        Figures.Print($"PostgreSQL runtime role: {Refused.Length} schema, trigger and audit changes tried, {accepted.Count} allowed");

        // The audit chain is whole and the role still does the daily work: read, write, audit.
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var engagement = await Demo.SamsEngagementAsync(app);
        var posted = await sam.StatusOfPostAsync($"/api/engagements/{engagement}/messages", new { body = "Written through the runtime role" });
        Assert.True((int)posted is >= 200 and < 300, $"posting a message answered {posted}");
        using var admin = await app.ClientForAsync("admin@riverside.test");
        Assert.True((await admin.GetJsonAsync("/api/practice/audit/verify")).GetProperty("ok").GetBoolean());
    }
}
