using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class BackendSettingsOwned : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "ZpoolPath",
                table: "Backends",
                newName: "Settings_ZpoolPath");

            migrationBuilder.RenameColumn(
                name: "ZfsPath",
                table: "Backends",
                newName: "Settings_ZfsPath");

            migrationBuilder.RenameColumn(
                name: "ZfsDialect",
                table: "Backends",
                newName: "Settings_ZfsDialect");

            migrationBuilder.RenameColumn(
                name: "User",
                table: "Backends",
                newName: "Settings_User");

            migrationBuilder.RenameColumn(
                name: "SudoPath",
                table: "Backends",
                newName: "Settings_SudoPath");

            migrationBuilder.RenameColumn(
                name: "SnapshotPrefix",
                table: "Backends",
                newName: "Settings_SnapshotPrefix");

            migrationBuilder.RenameColumn(
                name: "ShareExportIp",
                table: "Backends",
                newName: "Settings_ShareExportIp");

            migrationBuilder.RenameColumn(
                name: "ServiceIp",
                table: "Backends",
                newName: "Settings_ServiceIp");

            migrationBuilder.RenameColumn(
                name: "PrivateKeyPath",
                table: "Backends",
                newName: "Settings_PrivateKeyPath");

            migrationBuilder.RenameColumn(
                name: "Port",
                table: "Backends",
                newName: "Settings_Port");

            migrationBuilder.RenameColumn(
                name: "Pools",
                table: "Backends",
                newName: "Settings_Pools");

            migrationBuilder.RenameColumn(
                name: "NfsHelper",
                table: "Backends",
                newName: "Settings_NfsHelper");

            migrationBuilder.RenameColumn(
                name: "Name",
                table: "Backends",
                newName: "Settings_Name");

            migrationBuilder.RenameColumn(
                name: "HostKeySha256",
                table: "Backends",
                newName: "Settings_HostKeySha256");

            migrationBuilder.RenameColumn(
                name: "Host",
                table: "Backends",
                newName: "Settings_Host");

            migrationBuilder.RenameColumn(
                name: "ExportfsPath",
                table: "Backends",
                newName: "Settings_ExportfsPath");

            migrationBuilder.RenameColumn(
                name: "DatasetPrefix",
                table: "Backends",
                newName: "Settings_DatasetPrefix");

            migrationBuilder.RenameColumn(
                name: "DatasetCreationOptions",
                table: "Backends",
                newName: "Settings_DatasetCreationOptions");

            migrationBuilder.RenameColumn(
                name: "ConnectTimeoutSeconds",
                table: "Backends",
                newName: "Settings_ConnectTimeoutSeconds");

            migrationBuilder.RenameColumn(
                name: "CommandTimeoutSeconds",
                table: "Backends",
                newName: "Settings_CommandTimeoutSeconds");

            migrationBuilder.RenameIndex(
                name: "IX_Backends_Name",
                table: "Backends",
                newName: "IX_Backends_Settings_Name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "Settings_ZpoolPath",
                table: "Backends",
                newName: "ZpoolPath");

            migrationBuilder.RenameColumn(
                name: "Settings_ZfsPath",
                table: "Backends",
                newName: "ZfsPath");

            migrationBuilder.RenameColumn(
                name: "Settings_ZfsDialect",
                table: "Backends",
                newName: "ZfsDialect");

            migrationBuilder.RenameColumn(
                name: "Settings_User",
                table: "Backends",
                newName: "User");

            migrationBuilder.RenameColumn(
                name: "Settings_SudoPath",
                table: "Backends",
                newName: "SudoPath");

            migrationBuilder.RenameColumn(
                name: "Settings_SnapshotPrefix",
                table: "Backends",
                newName: "SnapshotPrefix");

            migrationBuilder.RenameColumn(
                name: "Settings_ShareExportIp",
                table: "Backends",
                newName: "ShareExportIp");

            migrationBuilder.RenameColumn(
                name: "Settings_ServiceIp",
                table: "Backends",
                newName: "ServiceIp");

            migrationBuilder.RenameColumn(
                name: "Settings_PrivateKeyPath",
                table: "Backends",
                newName: "PrivateKeyPath");

            migrationBuilder.RenameColumn(
                name: "Settings_Port",
                table: "Backends",
                newName: "Port");

            migrationBuilder.RenameColumn(
                name: "Settings_Pools",
                table: "Backends",
                newName: "Pools");

            migrationBuilder.RenameColumn(
                name: "Settings_NfsHelper",
                table: "Backends",
                newName: "NfsHelper");

            migrationBuilder.RenameColumn(
                name: "Settings_Name",
                table: "Backends",
                newName: "Name");

            migrationBuilder.RenameColumn(
                name: "Settings_HostKeySha256",
                table: "Backends",
                newName: "HostKeySha256");

            migrationBuilder.RenameColumn(
                name: "Settings_Host",
                table: "Backends",
                newName: "Host");

            migrationBuilder.RenameColumn(
                name: "Settings_ExportfsPath",
                table: "Backends",
                newName: "ExportfsPath");

            migrationBuilder.RenameColumn(
                name: "Settings_DatasetPrefix",
                table: "Backends",
                newName: "DatasetPrefix");

            migrationBuilder.RenameColumn(
                name: "Settings_DatasetCreationOptions",
                table: "Backends",
                newName: "DatasetCreationOptions");

            migrationBuilder.RenameColumn(
                name: "Settings_ConnectTimeoutSeconds",
                table: "Backends",
                newName: "ConnectTimeoutSeconds");

            migrationBuilder.RenameColumn(
                name: "Settings_CommandTimeoutSeconds",
                table: "Backends",
                newName: "CommandTimeoutSeconds");

            migrationBuilder.RenameIndex(
                name: "IX_Backends_Settings_Name",
                table: "Backends",
                newName: "IX_Backends_Name");
        }
    }
}
