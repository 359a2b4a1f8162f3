using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// Issue 26, item 8: the keyed chain cannot show that its newest entries were deleted (and the head row set back to
/// match); the signed heads an operator exports daily (`audit-heads`) and keeps elsewhere can (`verify-audit --heads`).
/// </summary>
public sealed class AuditHeadsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int ExitCode, string Output)> RunAsync(TandemApp app, params string[] command)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        return await TandemProcess.RunCommandAsync(command, app.Database, app.DataFolder, timeout.Token);
    }

    [Fact]
    public async Task Deleting_the_newest_entries_passes_the_chain_but_not_the_exported_heads()
    {
        await using var app = await TandemApp.StartAsync();
        app.CheckAuditOnDispose = false; // rows are deleted on purpose
        var sams = await Demo.SamsEngagementAsync(app);
        using (var sam = await app.ClientForAsync("sam@riverside.test"))
        {
            for (var i = 0; i < 5; i++)
            {
                await sam.GetJsonAsync($"/api/engagements/{sams}/plan");
            }
        }

        // Last night's export, shipped elsewhere.
        var (exportExit, export) = await RunAsync(app, "audit-heads");
        Assert.True(exportExit == 0, $"audit-heads exited {exportExit}: {export}");
        var lines = export.Split('\n').Where(l => l.StartsWith("tandem-audit-head ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count); // both demo practices
        var heads = Path.Combine(app.DataFolder, "..", "heads-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
        await File.WriteAllLinesAsync(heads, lines, Ct);
        var (intactExit, intact) = await RunAsync(app, "verify-audit", "--heads", heads);
        Assert.True(intactExit == 0, $"verify-audit --heads on an untouched database exited {intactExit}: {intact}");

        // The database owner removes Riverside's newest three entries and sets the head row back to match.
        Guid practice = Guid.Empty;
        long last = 0;
        await app.WithDbAsync(async db =>
        {
            practice = (await db.Practices.SingleAsync(p => p.Name == "Riverside", Ct)).Id;
            var entries = await db.AuditEntries.Where(e => e.PracticeId == practice).OrderByDescending(e => e.Sequence).Take(4).ToListAsync(Ct);
            last = entries[0].Sequence;
            await (db.Database.IsNpgsql()
                ? db.Database.ExecuteSqlRawAsync("ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER", Ct)
                : db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"AuditEntries_no_update\"; DROP TRIGGER \"AuditEntries_no_delete\";", Ct));
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"PracticeId\" = {practice} AND \"Sequence\" > {entries[3].Sequence}", Ct);
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditChainHeads\" SET \"LastSequence\" = {entries[3].Sequence}, \"LastHash\" = {entries[3].Hash} WHERE \"PracticeId\" = {practice}", Ct);
        }, asOwner: true);

        var (plainExit, plain) = await RunAsync(app, "verify-audit");
        Assert.True(plainExit == 0, $"the shortened chain is a valid chain on its own: {plain}");

        var (exit, output) = await RunAsync(app, "verify-audit", "--heads", heads);
        Assert.True(exit == 1, $"verify-audit --heads after deleting the newest entries exited {exit}: {output}");
        Assert.Contains($"Practice {practice}: ", output, StringComparison.Ordinal);
        Assert.Contains($"first broken at entry {last - 2}", output, StringComparison.Ordinal);
        Assert.Contains("the newest entries were removed", output, StringComparison.Ordinal);

        // Nor can the heads file itself be lowered to match.
        var forged = lines.Select(l => l.Contains(practice.ToString(), StringComparison.Ordinal) ? l.Replace($" {last} ", $" {last - 3} ", StringComparison.Ordinal) : l);
        await File.WriteAllLinesAsync(heads, forged, Ct);
        (exit, output) = await RunAsync(app, "verify-audit", "--heads", heads);
        Assert.True(exit == 1, $"verify-audit with an edited heads file exited {exit}: {output}");
        Assert.Contains("does not match its signature", output, StringComparison.Ordinal);
    }
}
