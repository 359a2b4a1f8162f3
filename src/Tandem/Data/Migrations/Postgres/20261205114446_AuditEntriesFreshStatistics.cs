using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <summary>
    /// Issue 25: PostgreSQL re-reads the audit trail's statistics after every 10,000 new entries, not after 10% of the
    /// table (its default). The trail only grows, and fast; with the default a busy new engagement could stay unknown to
    /// the planner for weeks, which then counted the access log's week by walking all of that engagement's entries
    /// (26 ms) instead of one hour of them through the (engagement, time) index (0.5 ms). An analyze samples a fixed
    /// number of rows, so it costs the same on a large trail. SQLite keeps no statistics (its planner picks the
    /// (engagement, time) index by shape), so it has no counterpart.
    /// </summary>
    public partial class AuditEntriesFreshStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE "AuditEntries" SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE "AuditEntries" RESET (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);""");
        }
    }
}
