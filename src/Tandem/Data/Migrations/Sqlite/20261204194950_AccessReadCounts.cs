using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
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
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessReadCounts", x => new { x.PracticeId, x.EngagementId, x.Hour, x.UserId, x.ObjectType, x.SubjectId });
                });

            // The counts of the reads recorded so far. "At" holds EF's binary form of a UTC instant: (ticks / 1000) << 11.
            migrationBuilder.Sql("""
                INSERT INTO "AccessReadCounts" ("PracticeId", "EngagementId", "Hour", "UserId", "ObjectType", "SubjectId", "Count")
                SELECT "PracticeId", "EngagementId", ((("At" >> 11) * 1000 - 621355968000000000) / 36000000000), "UserId", "ObjectType",
                       COALESCE("SubjectUserId", '00000000-0000-0000-0000-000000000000'), COUNT(*)
                FROM "AuditEntries"
                WHERE "Action" = 'Read' AND "Outcome" = 'Success' AND "Purpose" <> 'live-update' AND "UserId" IS NOT NULL
                  AND "EngagementId" IS NOT NULL AND "DataCategory" IN ('clinical', 'personal')
                GROUP BY 1, 2, 3, 4, 5, 6;
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
