using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExportsFileAndDriftFindings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Settings_ExportsFile",
                table: "Backends",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "DriftFindings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BackendName = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShareId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SnapshotId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Dataset = table.Column<string>(type: "TEXT", nullable: true),
                    Message = table.Column<string>(type: "TEXT", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstFoundAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastFoundAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftFindings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReconcileRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    BackendName = table.Column<string>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    DryRun = table.Column<bool>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", nullable: false),
                    Findings = table.Column<int>(type: "INTEGER", nullable: false),
                    Repairs = table.Column<int>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    Commands = table.Column<string>(type: "TEXT", nullable: false),
                    Failure = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReconcileRuns", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DriftFindings_BackendName",
                table: "DriftFindings",
                column: "BackendName");

            migrationBuilder.CreateIndex(
                name: "IX_ReconcileRuns_BackendName_StartedAt",
                table: "ReconcileRuns",
                columns: new[] { "BackendName", "StartedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DriftFindings");

            migrationBuilder.DropTable(
                name: "ReconcileRuns");

            migrationBuilder.DropColumn(
                name: "Settings_ExportsFile",
                table: "Backends");
        }
    }
}
