using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Messaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "OutboxMessages",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ClaimedUntil",
                table: "OutboxMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CoalesceKey",
                table: "OutboxMessages",
                type: "TEXT",
                maxLength: 120,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EngagementMessagingSettings",
                columns: table => new
                {
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AllowPrivateThreads = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EngagementMessagingSettings", x => x.EngagementId);
                    table.ForeignKey(
                        name: "FK_EngagementMessagingSettings_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "MessageReadStates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ThreadWith = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReadUpTo = table.Column<long>(type: "INTEGER", nullable: false),
                    ReadAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MessageReadStates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MessageReadStates_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_MessageReadStates_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ThreadWith = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    AuthorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Messages_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Messages_Users_AuthorId",
                        column: x => x.AuthorId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "NotificationPreferences",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NewMessages = table.Column<bool>(type: "INTEGER", nullable: false),
                    Invitations = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProposalsWaiting = table.Column<bool>(type: "INTEGER", nullable: false),
                    MeasuresDue = table.Column<bool>(type: "INTEGER", nullable: false),
                    SessionReminders = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationPreferences", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_NotificationPreferences_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PracticeSettings",
                columns: table => new
                {
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpectedReply = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CrisisInformation = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedBy = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PracticeSettings", x => x.PracticeId);
                    table.ForeignKey(
                        name: "FK_PracticeSettings_Practices_PracticeId",
                        column: x => x.PracticeId,
                        principalTable: "Practices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_CoalesceKey_SentAt",
                table: "OutboxMessages",
                columns: new[] { "CoalesceKey", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EngagementMessagingSettings_PracticeId",
                table: "EngagementMessagingSettings",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MessageReadStates_EngagementId_ThreadWith_UserId",
                table: "MessageReadStates",
                columns: new[] { "EngagementId", "ThreadWith", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MessageReadStates_PracticeId",
                table: "MessageReadStates",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_MessageReadStates_PracticeId_UserId",
                table: "MessageReadStates",
                columns: new[] { "PracticeId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_MessageReadStates_UserId",
                table: "MessageReadStates",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_AuthorId",
                table: "Messages",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_EngagementId",
                table: "Messages",
                column: "EngagementId");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_PracticeId",
                table: "Messages",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_PracticeId_EngagementId_CreatedAt",
                table: "Messages",
                columns: new[] { "PracticeId", "EngagementId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Messages_PracticeId_EngagementId_ThreadWith_Sequence",
                table: "Messages",
                columns: new[] { "PracticeId", "EngagementId", "ThreadWith", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationPreferences_PracticeId",
                table: "NotificationPreferences",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSettings_PracticeId",
                table: "PracticeSettings",
                column: "PracticeId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EngagementMessagingSettings");

            migrationBuilder.DropTable(
                name: "MessageReadStates");

            migrationBuilder.DropTable(
                name: "Messages");

            migrationBuilder.DropTable(
                name: "NotificationPreferences");

            migrationBuilder.DropTable(
                name: "PracticeSettings");

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_CoalesceKey_SentAt",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "CoalesceKey",
                table: "OutboxMessages");
        }
    }
}
