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

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
