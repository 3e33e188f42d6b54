using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ShareMountpoint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Mountpoint",
                table: "Shares",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Mountpoint",
                table: "Shares");
        }
    }
}
