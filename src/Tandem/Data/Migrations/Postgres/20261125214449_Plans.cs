using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Plans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ProposalResponses_ProposalId_UserId",
                table: "ProposalResponses");

            migrationBuilder.AddColumn<bool>(
                name: "AnyOneSuffices",
                table: "Proposals",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Responders",
                table: "Proposals",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Proposals",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<bool>(
                name: "Accepted",
                table: "ProposalResponses",
                type: "boolean",
                nullable: true,
                oldClrType: typeof(bool),
                oldType: "boolean");

            migrationBuilder.CreateTable(
                name: "Plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    Focus = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Plans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Plans_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PlanVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    AuthorId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ProposalId = table.Column<Guid>(type: "uuid", nullable: true),
                    Changes = table.Column<string>(type: "character varying(64000)", maxLength: 64000, nullable: false),
                    Snapshot = table.Column<string>(type: "character varying(256000)", maxLength: 256000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Commitments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Due = table.Column<DateOnly>(type: "date", nullable: true),
                    DoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Commitments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Commitments_Plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Goals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    WhyItMatters = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Goals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Goals_Plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OpenQuestions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenQuestions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpenQuestions_Plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "GoalAgreements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    GoalId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GoalAgreements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GoalAgreements_Goals_GoalId",
                        column: x => x.GoalId,
                        principalTable: "Goals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "GoalRatings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    GoalId = table.Column<Guid>(type: "uuid", nullable: false),
                    RaterId = table.Column<Guid>(type: "uuid", nullable: false),
                    RaterRole = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Value = table.Column<int>(type: "integer", nullable: false),
                    Attainment = table.Column<int>(type: "integer", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GoalRatings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GoalRatings_Goals_GoalId",
                        column: x => x.GoalId,
                        principalTable: "Goals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_PracticeId_EngagementId_Status",
                table: "Proposals",
                columns: new[] { "PracticeId", "EngagementId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ProposalResponses_ProposalId_UserId",
                table: "ProposalResponses",
                columns: new[] { "ProposalId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_PlanId",
                table: "Commitments",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_PracticeId",
                table: "Commitments",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_PracticeId_OwnerId_DoneAt",
                table: "Commitments",
                columns: new[] { "PracticeId", "OwnerId", "DoneAt" });

            migrationBuilder.CreateIndex(
                name: "IX_GoalAgreements_GoalId_ClientId",
                table: "GoalAgreements",
                columns: new[] { "GoalId", "ClientId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_GoalAgreements_PracticeId",
                table: "GoalAgreements",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_GoalRatings_GoalId",
                table: "GoalRatings",
                column: "GoalId");

            migrationBuilder.CreateIndex(
                name: "IX_GoalRatings_PracticeId",
                table: "GoalRatings",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_GoalRatings_PracticeId_EngagementId_GoalId_At",
                table: "GoalRatings",
                columns: new[] { "PracticeId", "EngagementId", "GoalId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Goals_PlanId",
                table: "Goals",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_Goals_PracticeId",
                table: "Goals",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenQuestions_PlanId",
                table: "OpenQuestions",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenQuestions_PracticeId",
                table: "OpenQuestions",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Plans_EngagementId",
                table: "Plans",
                column: "EngagementId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Plans_PracticeId",
                table: "Plans",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanVersions_PracticeId",
                table: "PlanVersions",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanVersions_PracticeId_EngagementId_Number",
                table: "PlanVersions",
                columns: new[] { "PracticeId", "EngagementId", "Number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Commitments");

            migrationBuilder.DropTable(
                name: "GoalAgreements");

            migrationBuilder.DropTable(
                name: "GoalRatings");

            migrationBuilder.DropTable(
                name: "OpenQuestions");

            migrationBuilder.DropTable(
                name: "PlanVersions");

            migrationBuilder.DropTable(
                name: "Goals");

            migrationBuilder.DropTable(
                name: "Plans");

            migrationBuilder.DropIndex(
                name: "IX_Proposals_PracticeId_EngagementId_Status",
                table: "Proposals");

            migrationBuilder.DropIndex(
                name: "IX_ProposalResponses_ProposalId_UserId",
                table: "ProposalResponses");

            migrationBuilder.DropColumn(
                name: "AnyOneSuffices",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "Responders",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Proposals");

            migrationBuilder.AlterColumn<bool>(
                name: "Accepted",
                table: "ProposalResponses",
                type: "boolean",
                nullable: false,
                defaultValue: false,
                oldClrType: typeof(bool),
                oldType: "boolean",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProposalResponses_ProposalId_UserId",
                table: "ProposalResponses",
                columns: new[] { "ProposalId", "UserId" },
                unique: true);
        }
    }
}
