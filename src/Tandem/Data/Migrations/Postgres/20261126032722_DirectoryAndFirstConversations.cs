using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    IsListed = table.Column<bool>(type: "boolean", nullable: false),
                    ProfileText = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Approaches = table.Column<List<string>>(type: "text[]", nullable: false),
                    Languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    OffersClientLed = table.Column<bool>(type: "boolean", nullable: false),
                    OffersTherapistLed = table.Column<bool>(type: "boolean", nullable: false),
                    Online = table.Column<bool>(type: "boolean", nullable: false),
                    InPerson = table.Column<bool>(type: "boolean", nullable: false),
                    AcceptingNewClients = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    TherapistId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    Phone = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    Message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    PreferredFormat = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PreferenceDirectiveness = table.Column<double>(type: "double precision", nullable: true),
                    PreferenceEmotionalIntensity = table.Column<double>(type: "double precision", nullable: true),
                    PreferencePastVsPresent = table.Column<double>(type: "double precision", nullable: true),
                    PreferenceSupportVsChallenge = table.Column<double>(type: "double precision", nullable: true),
                    SuggestedFormat = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: true)
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
                name: "IX_FirstConversationRequests_PracticeId_TherapistId_Status_Cre~",
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
