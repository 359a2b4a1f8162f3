using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PracticeIndexesLed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_PracticeId",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_SharedNotes_PracticeId",
                table: "SharedNotes");

            migrationBuilder.DropIndex(
                name: "IX_Sessions_PracticeId",
                table: "Sessions");

            migrationBuilder.DropIndex(
                name: "IX_ScoreObservations_PracticeId",
                table: "ScoreObservations");

            migrationBuilder.DropIndex(
                name: "IX_Proposals_PracticeId",
                table: "Proposals");

            migrationBuilder.DropIndex(
                name: "IX_PracticeInstruments_PracticeId",
                table: "PracticeInstruments");

            migrationBuilder.DropIndex(
                name: "IX_PracticeCurvePoints_PracticeId",
                table: "PracticeCurvePoints");

            migrationBuilder.DropIndex(
                name: "IX_PlanVersions_PracticeId",
                table: "PlanVersions");

            migrationBuilder.DropIndex(
                name: "IX_Participants_PracticeId",
                table: "Participants");

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_PracticeId",
                table: "OutboxMessages");

            migrationBuilder.DropIndex(
                name: "IX_OffTrackReviews_PracticeId",
                table: "OffTrackReviews");

            migrationBuilder.DropIndex(
                name: "IX_Messages_PracticeId",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_MessageReadStates_PracticeId",
                table: "MessageReadStates");

            migrationBuilder.DropIndex(
                name: "IX_MeasureSchedules_PracticeId",
                table: "MeasureSchedules");

            migrationBuilder.DropIndex(
                name: "IX_MeasureResponses_PracticeId",
                table: "MeasureResponses");

            migrationBuilder.DropIndex(
                name: "IX_MeasureOffers_PracticeId",
                table: "MeasureOffers");

            migrationBuilder.DropIndex(
                name: "IX_MeasureAlerts_PracticeId",
                table: "MeasureAlerts");

            migrationBuilder.DropIndex(
                name: "IX_Invitations_PracticeId",
                table: "Invitations");

            migrationBuilder.DropIndex(
                name: "IX_GoalRatings_PracticeId",
                table: "GoalRatings");

            migrationBuilder.DropIndex(
                name: "IX_FirstConversationRequests_PracticeId",
                table: "FirstConversationRequests");

            migrationBuilder.DropIndex(
                name: "IX_Engagements_PracticeId",
                table: "Engagements");

            migrationBuilder.DropIndex(
                name: "IX_Commitments_PracticeId",
                table: "Commitments");

            migrationBuilder.DropIndex(
                name: "IX_BreakGlassGrants_PracticeId",
                table: "BreakGlassGrants");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_PracticeId",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AgreementVersions_PracticeId",
                table: "AgreementVersions");

            migrationBuilder.DropIndex(
                name: "IX_AgreementSignatures_PracticeId",
                table: "AgreementSignatures");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_PracticeId_EngagementId_Id",
                table: "AuditEntries",
                columns: new[] { "PracticeId", "EngagementId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_PracticeId_EngagementId_Id",
                table: "AuditEntries");

            migrationBuilder.CreateIndex(
                name: "IX_Users_PracticeId",
                table: "Users",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_SharedNotes_PracticeId",
                table: "SharedNotes",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_PracticeId",
                table: "Sessions",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_ScoreObservations_PracticeId",
                table: "ScoreObservations",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_PracticeId",
                table: "Proposals",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeInstruments_PracticeId",
                table: "PracticeInstruments",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeCurvePoints_PracticeId",
                table: "PracticeCurvePoints",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanVersions_PracticeId",
                table: "PlanVersions",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Participants_PracticeId",
                table: "Participants",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_PracticeId",
                table: "OutboxMessages",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_OffTrackReviews_PracticeId",
                table: "OffTrackReviews",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_PracticeId",
                table: "Messages",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MessageReadStates_PracticeId",
                table: "MessageReadStates",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureSchedules_PracticeId",
                table: "MeasureSchedules",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureResponses_PracticeId",
                table: "MeasureResponses",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureOffers_PracticeId",
                table: "MeasureOffers",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureAlerts_PracticeId",
                table: "MeasureAlerts",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_PracticeId",
                table: "Invitations",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_GoalRatings_PracticeId",
                table: "GoalRatings",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_FirstConversationRequests_PracticeId",
                table: "FirstConversationRequests",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Engagements_PracticeId",
                table: "Engagements",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_PracticeId",
                table: "Commitments",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_BreakGlassGrants_PracticeId",
                table: "BreakGlassGrants",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_PracticeId",
                table: "AuditEntries",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_AgreementVersions_PracticeId",
                table: "AgreementVersions",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_AgreementSignatures_PracticeId",
                table: "AgreementSignatures",
                column: "PracticeId");
        }
    }
}
