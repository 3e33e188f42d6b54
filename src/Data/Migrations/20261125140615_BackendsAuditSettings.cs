using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class BackendsAuditSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsRetired",
                table: "ShareTypes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ProjectIds",
                table: "ShareTypes",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "Audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", nullable: false),
                    ByAdmin = table.Column<bool>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", nullable: false),
                    Target = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Detail = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Backends",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Host = table.Column<string>(type: "TEXT", nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    User = table.Column<string>(type: "TEXT", nullable: false),
                    PrivateKeyPath = table.Column<string>(type: "TEXT", nullable: false),
                    HostKeySha256 = table.Column<string>(type: "TEXT", nullable: false),
                    ShareExportIp = table.Column<string>(type: "TEXT", nullable: false),
                    ServiceIp = table.Column<string>(type: "TEXT", nullable: false),
                    Pools = table.Column<string>(type: "TEXT", nullable: false),
                    DatasetPrefix = table.Column<string>(type: "TEXT", nullable: false),
                    SnapshotPrefix = table.Column<string>(type: "TEXT", nullable: false),
                    DatasetCreationOptions = table.Column<string>(type: "TEXT", nullable: false),
                    NfsHelper = table.Column<string>(type: "TEXT", nullable: false),
                    ZfsDialect = table.Column<string>(type: "TEXT", nullable: false),
                    SudoPath = table.Column<string>(type: "TEXT", nullable: false),
                    ZfsPath = table.Column<string>(type: "TEXT", nullable: false),
                    ZpoolPath = table.Column<string>(type: "TEXT", nullable: false),
                    ExportfsPath = table.Column<string>(type: "TEXT", nullable: false),
                    ConnectTimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    CommandTimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Health = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    HealthMessage = table.Column<string>(type: "TEXT", nullable: true),
                    LastCheckedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastUpAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PoolReadings = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Backends", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Settings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    DefaultQuotas_Shares = table.Column<int>(type: "INTEGER", nullable: false),
                    DefaultQuotas_Gigabytes = table.Column<int>(type: "INTEGER", nullable: false),
                    DefaultQuotas_Snapshots = table.Column<int>(type: "INTEGER", nullable: false),
                    DefaultQuotas_SnapshotGigabytes = table.Column<int>(type: "INTEGER", nullable: false),
                    DefaultQuotas_PerShareGigabytes = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Settings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Audit_At",
                table: "Audit",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_Audit_ProjectId",
                table: "Audit",
                column: "ProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_Backends_Name",
                table: "Backends",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Audit");

            migrationBuilder.DropTable(
                name: "Backends");

            migrationBuilder.DropTable(
                name: "Settings");

            migrationBuilder.DropColumn(
                name: "IsRetired",
                table: "ShareTypes");

            migrationBuilder.DropColumn(
                name: "ProjectIds",
                table: "ShareTypes");
        }
    }
}
