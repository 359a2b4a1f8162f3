using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PracticeBrandingAndDefaults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Address",
                table: "PracticeSettings",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BrandColour",
                table: "PracticeSettings",
                type: "character varying(7)",
                maxLength: 7,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DefaultMeasuresJson",
                table: "PracticeSettings",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Logo",
                table: "PracticeSettings",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LogoContentType",
                table: "PracticeSettings",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LogoUpdatedAt",
                table: "PracticeSettings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OnlineSessionPolicy",
                table: "PracticeSettings",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReminderHoursBefore",
                table: "PracticeSettings",
                type: "integer",
                nullable: false,
                defaultValue: 24);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Address",
                table: "PracticeSettings");

            migrationBuilder.DropColumn(
                name: "BrandColour",
                table: "PracticeSettings");

            migrationBuilder.DropColumn(
                name: "DefaultMeasuresJson",
                table: "PracticeSettings");

            migrationBuilder.DropColumn(
                name: "Logo",
                table: "PracticeSettings");

            migrationBuilder.DropColumn(
                name: "LogoContentType",
                table: "PracticeSettings");

            migrationBuilder.DropColumn(
                name: "LogoUpdatedAt",
                table: "PracticeSettings");

            migrationBuilder.DropColumn(
                name: "OnlineSessionPolicy",
                table: "PracticeSettings");

            migrationBuilder.DropColumn(
                name: "ReminderHoursBefore",
                table: "PracticeSettings");
        }
    }
}
