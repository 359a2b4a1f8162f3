using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DirectoryAndFirstConversations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DirectoryProfiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IsListed = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProfileText = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Approaches = table.Column<string>(type: "TEXT", nullable: false),
                    Languages = table.Column<string>(type: "TEXT", nullable: false),
                    OffersClientLed = table.Column<bool>(type: "INTEGER", nullable: false),
                    OffersTherapistLed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Online = table.Column<bool>(type: "INTEGER", nullable: false),
                    InPerson = table.Column<bool>(type: "INTEGER", nullable: false),
                    AcceptingNewClients = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectoryProfiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DirectoryProfiles_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FirstConversationRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TherapistId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    PreferredFormat = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PreferenceDirectiveness = table.Column<double>(type: "REAL", nullable: true),
                    PreferenceEmotionalIntensity = table.Column<double>(type: "REAL", nullable: true),
                    PreferencePastVsPresent = table.Column<double>(type: "REAL", nullable: true),
                    PreferenceSupportVsChallenge = table.Column<double>(type: "REAL", nullable: true),
                    SuggestedFormat = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FirstConversationRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FirstConversationRequests_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_FirstConversationRequests_Users_TherapistId",
                        column: x => x.TherapistId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryProfiles_IsListed_PracticeId",
                table: "DirectoryProfiles",
                columns: new[] { "IsListed", "PracticeId" });

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryProfiles_PracticeId",
                table: "DirectoryProfiles",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryProfiles_UserId",
                table: "DirectoryProfiles",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FirstConversationRequests_EngagementId",
                table: "FirstConversationRequests",
                column: "EngagementId");

            migrationBuilder.CreateIndex(
                name: "IX_FirstConversationRequests_PracticeId",
                table: "FirstConversationRequests",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_FirstConversationRequests_PracticeId_TherapistId_Status_CreatedAt",
                table: "FirstConversationRequests",
                columns: new[] { "PracticeId", "TherapistId", "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FirstConversationRequests_TherapistId",
                table: "FirstConversationRequests",
                column: "TherapistId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DirectoryProfiles");

            migrationBuilder.DropTable(
                name: "FirstConversationRequests");
        }
    }
}
