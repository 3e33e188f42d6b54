using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiTokensIssuedByIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IssuedByIdentity",
                table: "ApiTokens",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "IssuedByIdentity",
                table: "ApiTokens");
        }
    }
}
