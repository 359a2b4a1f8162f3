using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <summary>
    /// Hourly counts of each person's reads of an engagement's record, for the access log's weekly summary (issue 25),
    /// filled from the entries already recorded.
    /// </summary>
    public partial class AccessReadCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PracticeSettings_PracticeId",
                table: "PracticeSettings");

            migrationBuilder.CreateTable(
                name: "AccessReadCounts",
                columns: table => new
                {
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    ObjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessReadCounts", x => new { x.PracticeId, x.EngagementId, x.Hour, x.UserId, x.ObjectType, x.SubjectId });
                });

            // Under the practice filter like every table with a practice id; then the counts of the reads recorded so far
            // (read and written as Tandem's own system work, for every practice).
            migrationBuilder.Sql("SELECT tandem_practice_rls('\"AccessReadCounts\"');");
            migrationBuilder.Sql("""
                SELECT set_config('tandem.system', 'on', true);
                INSERT INTO "AccessReadCounts" ("PracticeId", "EngagementId", "Hour", "UserId", "ObjectType", "SubjectId", "Count")
                SELECT "PracticeId", "EngagementId", floor(extract(epoch FROM "At") / 3600)::bigint, "UserId", "ObjectType",
                       COALESCE("SubjectUserId", '00000000-0000-0000-0000-000000000000'::uuid), COUNT(*)
                FROM "AuditEntries"
                WHERE "Action" = 'Read' AND "Outcome" = 'Success' AND "Purpose" <> 'live-update' AND "UserId" IS NOT NULL
                  AND "EngagementId" IS NOT NULL AND "DataCategory" IN ('clinical', 'personal')
                GROUP BY 1, 2, 3, 4, 5, 6;
                SELECT set_config('tandem.system', '', true);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessReadCounts");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSettings_PracticeId",
                table: "PracticeSettings",
                column: "PracticeId");
        }
    }
}
