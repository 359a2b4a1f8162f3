using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
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
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    LastSequence = table.Column<long>(type: "bigint", nullable: false),
                    LastHash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainHeads", x => x.PracticeId);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PracticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: true),
                    SubjectUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ObjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ObjectId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    DataCategory = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SourceAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PreviousHash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
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

            // Append-only: the database itself refuses to change, remove or truncate an audit entry.
            migrationBuilder.Sql("""
                CREATE FUNCTION tandem_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit entries are append-only';
                END $$;
                """);
            migrationBuilder.Sql("""CREATE TRIGGER "AuditEntries_append_only" BEFORE UPDATE OR DELETE ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION tandem_audit_append_only();""");
            migrationBuilder.Sql("""CREATE TRIGGER "AuditEntries_no_truncate" BEFORE TRUNCATE ON "AuditEntries" FOR EACH STATEMENT EXECUTE FUNCTION tandem_audit_append_only();""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_no_truncate" ON "AuditEntries";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_append_only" ON "AuditEntries";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS tandem_audit_append_only();");

            migrationBuilder.DropTable(
                name: "AuditChainHeads");

            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}
