using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <summary>
    /// An engagement's list reads by their entry, whoever read (issue 25): one seek tells the access log the newest list
    /// that showed the engagement, so a kept page is checked, not read again.
    /// </summary>
    public partial class AuditListReadsByEngagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditListReads_PracticeId_EngagementId_EntryId",
                table: "AuditListReads",
                columns: new[] { "PracticeId", "EngagementId", "EntryId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditListReads_PracticeId_EngagementId_EntryId",
                table: "AuditListReads");
        }
    }
}
