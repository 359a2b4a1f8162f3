using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AlertsCloseThemselves : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ClosedAt",
                table: "MeasureAlerts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosedReason",
                table: "MeasureAlerts",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_MeasureAlerts_PracticeId_EngagementId_ClosedAt",
                table: "MeasureAlerts",
                columns: new[] { "PracticeId", "EngagementId", "ClosedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MeasureAlerts_PracticeId_EngagementId_ClosedAt",
                table: "MeasureAlerts");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "MeasureAlerts");

            migrationBuilder.DropColumn(
                name: "ClosedReason",
                table: "MeasureAlerts");
        }
    }
}
