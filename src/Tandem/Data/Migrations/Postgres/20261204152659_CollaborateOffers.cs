using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CollaborateOffers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MeasureOffers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    RespondentId = table.Column<Guid>(type: "uuid", nullable: false),
                    InstrumentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SourceId = table.Column<Guid>(type: "uuid", nullable: true),
                    OfferedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OpenUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeasureOffers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MeasureOffers_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MeasureOffers_EngagementId",
                table: "MeasureOffers",
                column: "EngagementId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureOffers_PracticeId",
                table: "MeasureOffers",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureOffers_PracticeId_EngagementId_RespondentId_Instrume~",
                table: "MeasureOffers",
                columns: new[] { "PracticeId", "EngagementId", "RespondentId", "InstrumentId", "OfferedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MeasureOffers_RespondentId_OpenUntil",
                table: "MeasureOffers",
                columns: new[] { "RespondentId", "OpenUntil" });

            // The database's own practice filter (row-level security), as for every practice-scoped table.
            migrationBuilder.Sql("SELECT tandem_practice_rls('\"MeasureOffers\"');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MeasureOffers");
        }
    }
}
