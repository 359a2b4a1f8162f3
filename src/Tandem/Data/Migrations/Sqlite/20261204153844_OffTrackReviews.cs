using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OffTrackReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OffTrackReviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SignalAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    ClientPlanFit = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ClientPace = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ClientLife = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ClientSupport = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ClientAnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClientDeclinedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    TherapistId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TherapistAlliance = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    TherapistMotivation = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    TherapistLifeEvents = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    TherapistSupport = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    TherapistApproach = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    TherapistAnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OffTrackReviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OffTrackReviews_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OffTrackReviews_EngagementId",
                table: "OffTrackReviews",
                column: "EngagementId");

            migrationBuilder.CreateIndex(
                name: "IX_OffTrackReviews_PracticeId",
                table: "OffTrackReviews",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_OffTrackReviews_PracticeId_EngagementId_ClientId_SignalAt",
                table: "OffTrackReviews",
                columns: new[] { "PracticeId", "EngagementId", "ClientId", "SignalAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OffTrackReviews");
        }
    }
}
