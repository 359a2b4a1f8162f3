using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Measures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MeasureAlerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResponseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    InstrumentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    RaisedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AcknowledgedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcknowledgedBy = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeasureAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MeasureAlerts_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "MeasureResponses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstrumentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RespondentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: true),
                    Band = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Flags = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReliableChange = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    QuestionnaireResponseJson = table.Column<string>(type: "TEXT", nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeasureResponses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MeasureResponses_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "MeasureSchedules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstrumentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    IntervalWeeks = table.Column<int>(type: "INTEGER", nullable: true),
                    LeadHours = table.Column<int>(type: "INTEGER", nullable: true),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    StoppedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeasureSchedules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MeasureSchedules_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ScoreObservations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResponseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    System = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Display = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Value = table.Column<decimal>(type: "TEXT", precision: 9, scale: 2, nullable: false),
                    EffectiveAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScoreObservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScoreObservations_MeasureResponses_ResponseId",
                        column: x => x.ResponseId,
                        principalTable: "MeasureResponses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MeasureAlerts_EngagementId",
                table: "MeasureAlerts",
                column: "EngagementId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureAlerts_PracticeId",
                table: "MeasureAlerts",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureAlerts_PracticeId_EngagementId_AcknowledgedAt_RaisedAt",
                table: "MeasureAlerts",
                columns: new[] { "PracticeId", "EngagementId", "AcknowledgedAt", "RaisedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MeasureResponses_EngagementId_RespondentId_InstrumentId_SubmittedAt",
                table: "MeasureResponses",
                columns: new[] { "EngagementId", "RespondentId", "InstrumentId", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MeasureResponses_PracticeId",
                table: "MeasureResponses",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureResponses_PracticeId_EngagementId_InstrumentId_SubmittedAt",
                table: "MeasureResponses",
                columns: new[] { "PracticeId", "EngagementId", "InstrumentId", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MeasureResponses_PracticeId_IdempotencyKey",
                table: "MeasureResponses",
                columns: new[] { "PracticeId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MeasureSchedules_EngagementId",
                table: "MeasureSchedules",
                column: "EngagementId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureSchedules_PracticeId",
                table: "MeasureSchedules",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureSchedules_PracticeId_EngagementId",
                table: "MeasureSchedules",
                columns: new[] { "PracticeId", "EngagementId" });

            migrationBuilder.CreateIndex(
                name: "IX_ScoreObservations_PracticeId",
                table: "ScoreObservations",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_ScoreObservations_PracticeId_EngagementId_Code_EffectiveAt",
                table: "ScoreObservations",
                columns: new[] { "PracticeId", "EngagementId", "Code", "EffectiveAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ScoreObservations_ResponseId",
                table: "ScoreObservations",
                column: "ResponseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MeasureAlerts");

            migrationBuilder.DropTable(
                name: "MeasureSchedules");

            migrationBuilder.DropTable(
                name: "ScoreObservations");

            migrationBuilder.DropTable(
                name: "MeasureResponses");
        }
    }
}
