using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
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
            // Rows kept in their key's order (WITHOUT ROWID): one B-tree for the table and its key, one for the index, and
            // nothing else to write per member of a list (issue 25).
            migrationBuilder.Sql("""
                CREATE TABLE "AuditListReads" (
                    "PracticeId" TEXT NOT NULL,
                    "EntryId" INTEGER NOT NULL,
                    "EngagementId" TEXT NOT NULL,
                    "SubjectId" TEXT NOT NULL,
                    "UserId" TEXT NULL,
                    CONSTRAINT "PK_AuditListReads" PRIMARY KEY ("PracticeId", "EntryId", "EngagementId", "SubjectId")
                ) WITHOUT ROWID;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_AuditListReads_PracticeId_EngagementId_UserId_EntryId",
                table: "AuditListReads",
                columns: new[] { "PracticeId", "EngagementId", "UserId", "EntryId" });

            // Append-only, like the entries they belong to.
            migrationBuilder.Sql("CREATE TRIGGER \"AuditListReads_no_update\" BEFORE UPDATE ON \"AuditListReads\" BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER \"AuditListReads_no_delete\" BEFORE DELETE ON \"AuditListReads\" BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditListReads");
        }
    }
}
