using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// Issue 25: on PostgreSQL the audit trail's statistics are re-read after every 10,000 new entries (not after 10% of
/// the table), so the planner knows a busy engagement's entries and counts the access log's week through the
/// (engagement, time) index. SQLite keeps no statistics: there this test has nothing to check.
/// </summary>
public sealed class AuditStatisticsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostgreSQL_reanalyzes_the_audit_trail_every_ten_thousand_entries()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        await using var app = await TandemApp.StartAsync(seeded: false);
        await app.WithDbAsync(async db =>
        {
            var options = await db.Database.SqlQueryRaw<string>(
                "SELECT array_to_string(reloptions, ',') AS \"Value\" FROM pg_class WHERE relname = 'AuditEntries' AND relkind = 'r'").SingleAsync(Ct);
            Assert.Contains("autovacuum_analyze_scale_factor=0", options, StringComparison.Ordinal);
            Assert.Contains("autovacuum_analyze_threshold=10000", options, StringComparison.Ordinal);
        });
    }
}
