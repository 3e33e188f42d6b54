using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class SnapshotPoliciesAndScheduledSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ScheduledFor",
                table: "Snapshots",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SnapshotPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ShareId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ShareTypeId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Minute = table.Column<int>(type: "INTEGER", nullable: false),
                    Hour = table.Column<int>(type: "INTEGER", nullable: false),
                    DayOfWeek = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CronExpression = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    TimeZoneId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RetentionCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedByUserId = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnapshotPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SnapshotPolicies_ShareTypes_ShareTypeId",
                        column: x => x.ShareTypeId,
                        principalTable: "ShareTypes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SnapshotPolicies_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SnapshotScheduleStates",
                columns: table => new
                {
                    ShareId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LastRunFor = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SkipMessage = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnapshotScheduleStates", x => x.ShareId);
                    table.ForeignKey(
                        name: "FK_SnapshotScheduleStates_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Snapshots_ShareId_ScheduledFor",
                table: "Snapshots",
                columns: new[] { "ShareId", "ScheduledFor" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotPolicies_ShareId",
                table: "SnapshotPolicies",
                column: "ShareId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotPolicies_ShareTypeId",
                table: "SnapshotPolicies",
                column: "ShareTypeId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SnapshotPolicies");

            migrationBuilder.DropTable(
                name: "SnapshotScheduleStates");

            migrationBuilder.DropIndex(
                name: "IX_Snapshots_ShareId_ScheduledFor",
                table: "Snapshots");

            migrationBuilder.DropColumn(
                name: "ScheduledFor",
                table: "Snapshots");
        }
    }
}
