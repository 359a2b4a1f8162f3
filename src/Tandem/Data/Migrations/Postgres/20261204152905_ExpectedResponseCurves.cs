using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InstrumentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Band = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Courses = table.Column<int>(type: "integer", nullable: false),
                    Session = table.Column<int>(type: "integer", nullable: false),
                    Scores = table.Column<int>(type: "integer", nullable: false),
                    P25 = table.Column<double>(type: "double precision", nullable: false),
                    P50 = table.Column<double>(type: "double precision", nullable: false),
                    P75 = table.Column<double>(type: "double precision", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstallationCurvePoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PracticeCurvePoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    InstrumentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Band = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Courses = table.Column<int>(type: "integer", nullable: false),
                    Session = table.Column<int>(type: "integer", nullable: false),
                    Scores = table.Column<int>(type: "integer", nullable: false),
                    P25 = table.Column<double>(type: "double precision", nullable: false),
                    P50 = table.Column<double>(type: "double precision", nullable: false),
                    P75 = table.Column<double>(type: "double precision", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            // The database's own practice filter (row-level security) for the practice's curves; the installation's hold no practice id.
            migrationBuilder.Sql("SELECT tandem_practice_rls('\"PracticeCurvePoints\"');");
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
