using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditChainHeads",
                columns: table => new
                {
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastHash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainHeads", x => x.PracticeId);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PracticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SubjectUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ObjectId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    DataCategory = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PreviousHash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_PracticeId",
                table: "AuditEntries",
                column: "PracticeId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_PracticeId_DataCategory_At",
                table: "AuditEntries",
                columns: new[] { "PracticeId", "DataCategory", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_PracticeId_EngagementId_At",
                table: "AuditEntries",
                columns: new[] { "PracticeId", "EngagementId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_PracticeId_Sequence",
                table: "AuditEntries",
                columns: new[] { "PracticeId", "Sequence" },
                unique: true);

            // Append-only: the database itself refuses to change or remove an audit entry.
            migrationBuilder.Sql("CREATE TRIGGER \"AuditEntries_no_update\" BEFORE UPDATE ON \"AuditEntries\" BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER \"AuditEntries_no_delete\" BEFORE DELETE ON \"AuditEntries\" BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"AuditEntries_no_update\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"AuditEntries_no_delete\";");

            migrationBuilder.DropTable(
                name: "AuditChainHeads");

            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}
