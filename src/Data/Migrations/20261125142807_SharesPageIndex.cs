using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZfsPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class SharesPageIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Shares_ProjectId_CreatedAt",
                table: "Shares",
                columns: new[] { "ProjectId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Shares_ProjectId_CreatedAt",
                table: "Shares");
        }
    }
}
