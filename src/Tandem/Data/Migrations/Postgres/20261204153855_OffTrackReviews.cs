using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<Guid>(type: "uuid", nullable: false),
                    Trigger = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: true),
                    SignalAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    ClientPlanFit = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ClientPace = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ClientLife = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ClientSupport = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ClientAnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClientDeclinedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    TherapistId = table.Column<Guid>(type: "uuid", nullable: true),
                    TherapistAlliance = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    TherapistMotivation = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    TherapistLifeEvents = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    TherapistSupport = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    TherapistApproach = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    TherapistAnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
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

            // The database's own practice filter (row-level security), as for every practice-scoped table.
            migrationBuilder.Sql("SELECT tandem_practice_rls('\"OffTrackReviews\"');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OffTrackReviews");
        }
    }
}
