using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// Issue 25: a list that shows several engagements is one chained entry, its object id the SHA-256 of its members, with
/// one narrow row per member beside it (<see cref="AuditListRead"/>), instead of one chained entry per engagement. Each
/// client still finds the read in their access log and their record download, and the verifier finds a member added,
/// removed or changed at the list's entry.
/// </summary>
public sealed class ListReadEntryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_list_of_engagements_is_one_chained_entry_naming_them_and_each_client_still_finds_the_read()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        var listed = (await alex.GetJsonAsync("/api/engagements")).EnumerateArray().Select(e => e.Id()).ToList();
        Assert.True(listed.Count >= 2, $"{listed.Count} engagements listed");

        var before = 0;
        await app.WithDbAsync(async db => before = await db.AuditEntries.CountAsync(e => e.ObjectType == "EngagementList", Ct));
        await alex.GetJsonAsync("/api/engagements");
        Guid practice = default;
        await app.WithDbAsync(async db =>
        {
            var lists = await db.AuditEntries.Where(e => e.ObjectType == "EngagementList").OrderBy(e => e.Id).ToListAsync(Ct);
            // One entry for the whole list, not one per engagement.
            Assert.Equal(before + 1, lists.Count);
            var entry = lists[^1];
            practice = entry.PracticeId;
            Assert.Null(entry.EngagementId);
            var members = await db.Set<AuditListRead>().Where(r => r.EntryId == entry.Id).ToListAsync(Ct);
            Assert.Equal(listed.Order(), members.Select(m => m.EngagementId).Order());
            Assert.All(members, m => Assert.Equal(entry.UserId, m.UserId));
            Assert.Equal(AuditListRead.Name(members.Select(m => (m.EngagementId, (Guid?)null))), entry.ObjectId);
        });

        // Jordan's access log and record download still name the read, under Alex's name.
        var newest = (await jordan.GetJsonAsync($"/api/engagements/{jordans}/access-log?kind=read&take=5")).EnumerateArray().First();
        Assert.Equal("Alex Rivera opened the list of engagements", newest.Str("sentence"));
        var alexId = (await alex.GetJsonAsync("/api/me")).Id();
        var alexOnly = (await jordan.GetJsonAsync($"/api/engagements/{jordans}/access-log?who={alexId}&take=500")).EnumerateArray()
            .Count(e => e.Str("sentence") == "Alex Rivera opened the list of engagements");
        Assert.True(alexOnly >= 2, $"{alexOnly} list reads by Alex in Jordan's log");
        var download = await jordan.GetStringAsync($"/api/engagements/{jordans}/export/fhir", Ct);
        Assert.True(download.Split("Alex Rivera opened the list of engagements").Length - 1 >= 2, "the list reads are not in Jordan's record download");

        await using var scope = app.Service<IServiceScopeFactory>().CreateAsyncScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(practice, Ct)).Ok);
    }

    [Fact]
    public async Task A_list_the_weekly_summary_names_counts_once_in_each_engagement_it_showed()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        async Task<int> SessionsOpenedByAlexAsync() => (await jordan.GetJsonAsync($"/api/engagements/{jordans}/access-log/summary"))
            .GetProperty("people").EnumerateArray().Where(p => p.Str("name") == "Alex Rivera")
            .SelectMany(p => p.GetProperty("items").EnumerateArray()).Where(i => i.Str("what") == "sessions")
            .Sum(i => i.GetProperty("count").GetInt32());

        var before = await SessionsOpenedByAlexAsync();
        await alex.GetJsonAsync("/api/sessions");
        await alex.GetJsonAsync("/api/sessions");
        Assert.Equal(before + 2, await SessionsOpenedByAlexAsync());

        // The schedule was a list of several engagements: one entry each time, its members beside it.
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.CountAsync(e => e.ObjectType == "Schedule" && e.EngagementId == null, Ct) >= 2));
    }

    [Theory]
    [InlineData("add")]
    [InlineData("remove")]
    [InlineData("change")]
    public async Task A_list_member_added_removed_or_changed_in_the_database_breaks_the_chain_at_the_list(string tampering)
    {
        await using var app = await TandemApp.StartAsync();
        app.CheckAuditOnDispose = false; // rows are tampered with on purpose
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync("/api/engagements");
        await alex.GetJsonAsync("/api/me");
        AuditEntry? list = null;
        await app.WithDbAsync(async db =>
        {
            list = await db.AuditEntries.Where(e => e.ObjectType == "EngagementList").OrderByDescending(e => e.Id).FirstAsync(Ct);
            var member = await db.Set<AuditListRead>().Where(r => r.EntryId == list.Id).Select(r => r.EngagementId).FirstAsync(Ct);
            // An attacker with the owner's database access first switches the append-only guard off.
            await (db.Database.IsNpgsql()
                ? db.Database.ExecuteSqlRawAsync("ALTER TABLE \"AuditListReads\" DISABLE TRIGGER USER", Ct)
                : db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"AuditListReads_no_update\"; DROP TRIGGER \"AuditListReads_no_delete\";", Ct));
            var empty = Guid.Empty;
            var other = Guid.NewGuid();
            await (tampering switch
            {
                "add" => db.Database.ExecuteSqlAsync($"""INSERT INTO "AuditListReads" ("PracticeId", "EntryId", "EngagementId", "SubjectId", "UserId") VALUES ({list.PracticeId}, {list.Id}, {other}, {empty}, {list.UserId})""", Ct),
                "remove" => db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditListReads" WHERE "EntryId" = {list.Id} AND "EngagementId" = {member}""", Ct),
                _ => db.Database.ExecuteSqlAsync($"""UPDATE "AuditListReads" SET "EngagementId" = {other} WHERE "EntryId" = {list.Id} AND "EngagementId" = {member}""", Ct),
            });
        }, asOwner: true);

        await using var scope = app.Service<IServiceScopeFactory>().CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(list!.PracticeId, Ct);
        Assert.False(verification.Ok);
        Assert.Equal(list.Sequence, verification.FirstBrokenAt!.Sequence);
        Assert.Contains("list", verification.FirstBrokenAt.Reason, StringComparison.Ordinal);
    }
}
