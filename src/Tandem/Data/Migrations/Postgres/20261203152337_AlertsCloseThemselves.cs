using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AlertsCloseThemselves : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClosedAt",
                table: "MeasureAlerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosedReason",
                table: "MeasureAlerts",
                type: "character varying(300)",
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
