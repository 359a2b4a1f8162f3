using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditListReadsOneEngagementIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditListReads_PracticeId_EngagementId_EntryId",
                table: "AuditListReads");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditListReads_PracticeId_EngagementId_EntryId",
                table: "AuditListReads",
                columns: new[] { "PracticeId", "EngagementId", "EntryId" });
        }
    }
}
