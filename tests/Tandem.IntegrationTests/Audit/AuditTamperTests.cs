using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>The audit is append-only in the database and any tampering is found at its position (both providers).</summary>
public sealed class AuditTamperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TandemApp App, Guid Practice)> AppWithHistoryAsync()
    {
        var app = await TandemApp.StartAsync();
        app.CheckAuditOnDispose = false; // rows are tampered with on purpose
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        for (var i = 0; i < 15; i++)
        {
            await sam.GetJsonAsync($"/api/engagements/{sams}/plan");
        }

        // A list of several engagements: one entry, its members beside it.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync("/api/engagements");

        var practice = Guid.Empty;
        await app.WithDbAsync(async db => practice = (await db.Practices.SingleAsync(p => p.Name == "Riverside", Ct)).Id);
        return (app, practice);
    }

    [Fact]
    public async Task The_apps_own_connection_cannot_update_or_delete_audit_rows()
    {
        var (app, practice) = await AppWithHistoryAsync();
        await using var _ = app;
        await app.WithDbAsync(async db =>
        {
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Purpose\" = 'x'", Ct));
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\"", Ct));
            // Nor the members of a list read, beside its entry.
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditListReads\" SET \"UserId\" = NULL", Ct));
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditListReads\"", Ct));
            Assert.True((await app.Service<Microsoft.Extensions.DependencyInjection.IServiceScopeFactory>().CreateAsyncScope().ServiceProvider
                .GetRequiredService<AuditVerifier>().VerifyAsync(practice, Ct)).Ok);
        });
    }

    [Theory]
    [InlineData("edit")]
    [InlineData("delete")]
    [InlineData("insert")]
    [InlineData("reorder")]
    [InlineData("truncate-tail")]
    public async Task Tampering_directly_in_the_database_is_found_at_the_right_position(string tampering)
    {
        var (app, practice) = await AppWithHistoryAsync();
        await using var _ = app;
        long expectedAt = 0;
        await app.WithDbAsync(async db =>
        {
            var postgres = db.Database.IsNpgsql();
            var entries = await db.AuditEntries.Where(e => e.PracticeId == practice).OrderBy(e => e.Sequence).ToListAsync(Ct);
            Assert.True(entries.Count > 20);
            var target = entries[entries.Count / 2];
            // An attacker with the owner's database access (the app's own role may not) first switches the append-only guard off.
            await (postgres
                ? db.Database.ExecuteSqlRawAsync("ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER", Ct)
                : db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"AuditEntries_no_update\"; DROP TRIGGER \"AuditEntries_no_delete\";", Ct));
            switch (tampering)
            {
                case "edit":
                    await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Outcome\" = 'Failure' WHERE \"Id\" = {target.Id}", Ct);
                    expectedAt = target.Sequence;
                    break;
                case "delete":
                    await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Id\" = {target.Id}", Ct);
                    expectedAt = target.Sequence;
                    break;
                case "insert":
                    // Make room after the target (the unique index forbids a duplicate number), then slip a forged row in.
                    await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Sequence\" = \"Sequence\" + 1000000 WHERE \"PracticeId\" = {practice} AND \"Sequence\" > {target.Sequence}", Ct);
                    await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Sequence\" = \"Sequence\" - 999999 WHERE \"PracticeId\" = {practice} AND \"Sequence\" > 1000000", Ct);
                    await db.Database.ExecuteSqlAsync($"""
                        INSERT INTO "AuditEntries" ("PracticeId","Sequence","At","UserId","Role","EngagementId","SubjectUserId","Action","ObjectType","ObjectId","DataCategory","Outcome","SourceAddress","Purpose","PreviousHash","Hash")
                        SELECT "PracticeId","Sequence" + 1,"At","UserId","Role","EngagementId","SubjectUserId","Action","ObjectType",'forged',"DataCategory","Outcome","SourceAddress","Purpose","PreviousHash","Hash" FROM "AuditEntries" WHERE "Id" = {target.Id}
                        """, Ct);
                    expectedAt = target.Sequence + 1;
                    break;
                case "reorder":
                    var next = entries[(entries.Count / 2) + 1];
                    // Swap the sequence numbers of two neighbours.
                    await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Sequence\" = -1 WHERE \"Id\" = {target.Id}", Ct);
                    await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Sequence\" = {target.Sequence} WHERE \"Id\" = {next.Id}", Ct);
                    await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Sequence\" = {next.Sequence} WHERE \"Id\" = {target.Id}", Ct);
                    expectedAt = target.Sequence;
                    break;
                case "truncate-tail":
                    var last = entries[^1];
                    await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Id\" = {last.Id}", Ct);
                    expectedAt = last.Sequence;
                    break;
            }
        }, asOwner: true);

        await using var scope = app.Service<Microsoft.Extensions.DependencyInjection.IServiceScopeFactory>().CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(practice, Ct);
        Assert.False(result.Ok);
        Assert.Equal(practice, result.FirstBrokenAt!.PracticeId);
        Assert.Equal(expectedAt, result.FirstBrokenAt.Sequence);

        if (tampering == "insert")
        {
            // The shifted numbers now collide with the chain head: Tandem refuses to write new
            // entries (and so refuses the requests that need them) until the chain is repaired.
            return;
        }

        // The admin sees the same through the API.
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var api = await admin.GetJsonAsync("/api/practice/audit/verify");
        Assert.False(api.GetProperty("ok").GetBoolean());
        Assert.Equal(expectedAt, api.GetProperty("firstBrokenAt").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task An_untouched_chain_verifies_through_the_api_and_only_for_the_admin()
    {
        var (app, _) = await AppWithHistoryAsync();
        await using var _ = app;
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var result = await admin.GetJsonAsync("/api/practice/audit/verify");
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.True(result.GetProperty("entries").GetInt64() > 20);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfGetAsync("/api/practice/audit/verify"));
    }
}
