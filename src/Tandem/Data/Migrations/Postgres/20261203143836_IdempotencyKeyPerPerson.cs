using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdempotencyKeyPerPerson : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MeasureResponses_PracticeId_IdempotencyKey",
                table: "MeasureResponses");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureResponses_RespondentId_EngagementId_IdempotencyKey",
                table: "MeasureResponses",
                columns: new[] { "RespondentId", "EngagementId", "IdempotencyKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MeasureResponses_RespondentId_EngagementId_IdempotencyKey",
                table: "MeasureResponses");

            migrationBuilder.CreateIndex(
                name: "IX_MeasureResponses_PracticeId_IdempotencyKey",
                table: "MeasureResponses",
                columns: new[] { "PracticeId", "IdempotencyKey" },
                unique: true);
        }
    }
}
