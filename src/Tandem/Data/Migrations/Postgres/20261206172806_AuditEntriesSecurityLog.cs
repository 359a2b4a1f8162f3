using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditEntriesSecurityLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_SecurityLog",
                table: "AuditEntries",
                columns: new[] { "PracticeId", "Id" },
                filter: "\"DataCategory\" IN ('security', 'aggregate') OR \"Purpose\" = 'break-glass' OR \"Outcome\" = 'Refused'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_SecurityLog",
                table: "AuditEntries");
        }
    }
}
