using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ExpectedResponseCurves : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InstallationCurvePoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstrumentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Band = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Courses = table.Column<int>(type: "INTEGER", nullable: false),
                    Session = table.Column<int>(type: "INTEGER", nullable: false),
                    Scores = table.Column<int>(type: "INTEGER", nullable: false),
                    P25 = table.Column<double>(type: "REAL", nullable: false),
                    P50 = table.Column<double>(type: "REAL", nullable: false),
                    P75 = table.Column<double>(type: "REAL", nullable: false),
                    ComputedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstallationCurvePoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PracticeCurvePoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstrumentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Band = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Courses = table.Column<int>(type: "INTEGER", nullable: false),
                    Session = table.Column<int>(type: "INTEGER", nullable: false),
                    Scores = table.Column<int>(type: "INTEGER", nullable: false),
                    P25 = table.Column<double>(type: "REAL", nullable: false),
                    P50 = table.Column<double>(type: "REAL", nullable: false),
                    P75 = table.Column<double>(type: "REAL", nullable: false),
                    ComputedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PracticeCurvePoints", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InstallationCurvePoints_InstrumentId_Band_Session",
                table: "InstallationCurvePoints",
                columns: new[] { "InstrumentId", "Band", "Session" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PracticeCurvePoints_PracticeId",
                table: "PracticeCurvePoints",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeCurvePoints_PracticeId_InstrumentId_Band_Session",
                table: "PracticeCurvePoints",
                columns: new[] { "PracticeId", "InstrumentId", "Band", "Session" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstallationCurvePoints");

            migrationBuilder.DropTable(
                name: "PracticeCurvePoints");
        }
    }
}
