using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExportPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing share types get ExportPolicy.Default (any client, networks up to /16 and /48, root_squash
            // only, wider refused); the defaults were written by hand: EF would put "" (not JSON) and /0 (the world).
            // Existing projects get none (null columns): their share types' policies alone apply.
            migrationBuilder.AddColumn<string>(
                name: "ExportPolicy_AllowedNetworks",
                table: "ShareTypes",
                type: "TEXT",
                maxLength: 4096,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<bool>(
                name: "ExportPolicy_NoRootSquashAllowed",
                table: "ShareTypes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "ExportPolicy_WiderNeedsApproval",
                table: "ShareTypes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ExportPolicy_WidestIPv4Prefix",
                table: "ShareTypes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 16);

            migrationBuilder.AddColumn<int>(
                name: "ExportPolicy_WidestIPv6Prefix",
                table: "ShareTypes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 48);

            migrationBuilder.AddColumn<string>(
                name: "ExportPolicy_AllowedNetworks",
                table: "Projects",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ExportPolicy_NoRootSquashAllowed",
                table: "Projects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ExportPolicy_WiderNeedsApproval",
                table: "Projects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ExportPolicy_WidestIPv4Prefix",
                table: "Projects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ExportPolicy_WidestIPv6Prefix",
                table: "Projects",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExportPolicy_AllowedNetworks",
                table: "ShareTypes");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_NoRootSquashAllowed",
                table: "ShareTypes");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_WiderNeedsApproval",
                table: "ShareTypes");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_WidestIPv4Prefix",
                table: "ShareTypes");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_WidestIPv6Prefix",
                table: "ShareTypes");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_AllowedNetworks",
                table: "Projects");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_NoRootSquashAllowed",
                table: "Projects");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_WiderNeedsApproval",
                table: "Projects");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_WidestIPv4Prefix",
                table: "Projects");

            migrationBuilder.DropColumn(
                name: "ExportPolicy_WidestIPv6Prefix",
                table: "Projects");
        }
    }
}
