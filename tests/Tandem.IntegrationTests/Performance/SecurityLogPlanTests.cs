using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: the security log and the admin's count of what needs a look read the few entries they show, not the
/// practice's whole trail. A practice writes millions of clinical reads and a few thousand security entries; both
/// queries walked every entry of the practice (3.8 million on the large set: 1.2 s for the admin's home and for the log).
/// The plans checked are the ones the database makes for the values the app sent, on both databases.
/// </summary>
public sealed class SecurityLogPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_security_log_and_the_admins_home_read_the_security_entries_not_every_clinical_read()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var alex = await Accounts.SignInTests.IdOf(app, "alex@riverside.test");
        var practice = Guid.Empty;
        await app.WithDbAsync(async db => practice = (await db.Engagements.FindAsync([sams], Ct))!.PracticeId);

        // A busy practice: 12,000 clinical reads, far more than its security entries.
        await BusyTrail.PlanReadsAsync(app, practice, _ => sams, alex, "Therapist", 12_000);

        await using var connection = await app.OpenRawConnectionAsync();
        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE \"AuditEntries\"";
            await analyze.ExecuteNonQueryAsync(Ct);
        }

        using var sent = new SentCommands(app.Database);
        using (var admin = await app.ClientForAsync("admin@riverside.test"))
        {
            var log = await admin.GetJsonAsync("/api/practice/security-log");
            Assert.Contains(log.EnumerateArray(), e => e.Str("event").Length > 0);
            Assert.DoesNotContain(log.EnumerateArray(), e => e.Str("event").Contains("plan", StringComparison.OrdinalIgnoreCase));
            await admin.GetJsonAsync("/api/practice/security-log?needsLook=true");
            var home = await admin.GetAsync("/", Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
        }

        var reads = sent.Commands.Where(c => c.Sql.Contains("FROM \"AuditEntries\"", StringComparison.Ordinal) && c.Sql.Contains("'security'", StringComparison.Ordinal)).ToList();
        Assert.True(reads.Count >= 3, $"expected the log's, the needs-a-look list's and the home's count, saw {reads.Count}");
        foreach (var read in reads)
        {
            var plan = await read.PlanAsync(connection, app.Database.Provider);
            Assert.True(plan.Contains("IX_AuditEntries_SecurityLog", StringComparison.Ordinal),
                $"this read of the security entries walks the practice's whole trail instead of the entries it shows:\n{read.Sql}\n\nplan:\n{plan}");
        }
    }
}
