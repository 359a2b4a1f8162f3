using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <summary>
    /// The members of a list read beside its one chained entry (issue 25): one narrow row per engagement a list showed,
    /// append-only like the entries.
    /// </summary>
    public partial class AuditListReads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditListReads",
                columns: table => new
                {
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EntryId = table.Column<long>(type: "bigint", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditListReads", x => new { x.PracticeId, x.EntryId, x.EngagementId, x.SubjectId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditListReads_PracticeId_EngagementId_UserId_EntryId",
                table: "AuditListReads",
                columns: new[] { "PracticeId", "EngagementId", "UserId", "EntryId" });

            // Under the practice filter like every table with a practice id, and append-only like the entries.
            migrationBuilder.Sql("SELECT tandem_practice_rls('\"AuditListReads\"');");
            migrationBuilder.Sql("""CREATE TRIGGER "AuditListReads_append_only" BEFORE UPDATE OR DELETE ON "AuditListReads" FOR EACH ROW EXECUTE FUNCTION tandem_audit_append_only();""");
            migrationBuilder.Sql("""CREATE TRIGGER "AuditListReads_no_truncate" BEFORE TRUNCATE ON "AuditListReads" FOR EACH STATEMENT EXECUTE FUNCTION tandem_audit_append_only();""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditListReads");
        }
    }
}
