using Bunit;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Tests.Features.ShareTypes;

public sealed class ShareTypesAdminPageTests : PortalPageTestContext
{
    private (IRenderedComponent<ShareTypesAdminPage> Page, IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs) OpenNewTypeDialog()
    {
        var (page, dialogs) = RenderPage<ShareTypesAdminPage>();
        page.WaitForElement("[data-testid=share-type-row]");
        page.Find("[data-testid=share-type-new]").Click();
        dialogs.WaitForElement("#share-type-name").Input("fast");
        return (page, dialogs);
    }

    private bool TypeExists(string name)
    {
        using var db = World.Db.CreateDbContext();
        return db.ShareTypes.AsNoTracking().Any(t => t.Name == name);
    }

    [Theory]
    [InlineData("dedup=maybe", "'maybe' is not a valid value for dedup.")]
    [InlineData("mountpoint=/x", "'mountpoint' is not a property share types may set")]
    public void A_zfs_property_outside_the_allow_list_is_refused_at_the_properties_field(string properties, string message)
    {
        var (_, dialogs) = OpenNewTypeDialog();

        dialogs.Find("#share-type-properties").Input(properties);
        dialogs.Find("form").Submit();

        dialogs.WaitForAssertion(() => Assert.Contains(message, FieldText(dialogs, "share-type-properties"), StringComparison.Ordinal));
        Assert.DoesNotContain(message, FieldText(dialogs, "share-type-name"), StringComparison.Ordinal);
        Assert.False(TypeExists("fast"));
    }

    [Fact]
    public void A_valid_property_saves_the_type_and_the_table_shows_it()
    {
        var (page, dialogs) = OpenNewTypeDialog();

        dialogs.Find("#share-type-properties").Input("compression=lz4");
        dialogs.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=share-type-row]").Count));
        using var db = World.Db.CreateDbContext();
        var type = db.ShareTypes.AsNoTracking().Single(t => t.Name == "fast");
        Assert.Equal("lz4", type.DatasetProperties["compression"]);
        Assert.Contains("compression=lz4", page.Markup, StringComparison.Ordinal);
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#share-type-name")));
    }

    [Fact]
    public void The_properties_field_lists_what_may_be_set()
    {
        var (_, dialogs) = OpenNewTypeDialog();

        var help = FieldText(dialogs, "share-type-properties");
        foreach (var name in DatasetPropertyRules.Names)
            Assert.Contains(name, help, StringComparison.Ordinal);
    }

    [Fact]
    public void Retiring_asks_first_then_marks_the_type_retired()
    {
        World.AddShareType("old");
        var (page, dialogs) = RenderPage<ShareTypesAdminPage>();

        // The default type cannot be retired, so the only enabled retire button is old's.
        page.WaitForElement("[data-testid=share-type-retire]:not([disabled])").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("no longer be offered", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Retire").Click();

        page.WaitForElement("[data-testid=share-type-retired]");
        using var db = World.Db.CreateDbContext();
        Assert.True(db.ShareTypes.AsNoTracking().Single(t => t.Name == "old").IsRetired);
    }

    [Fact]
    public void The_export_policy_fields_save_with_the_type()
    {
        var (page, dialogs) = OpenNewTypeDialog();

        dialogs.Find("#share-type-export-networks").Input("192.0.2.0/24\n2001:db8::/32");
        dialogs.Find("#share-type-export-ipv4").Input("24");
        dialogs.Find("[data-testid=share-type-export-no-root-squash]").Change(true);
        dialogs.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=share-type-row]").Count));
        using var db = World.Db.CreateDbContext();
        var policy = db.ShareTypes.AsNoTracking().Single(t => t.Name == "fast").ExportPolicy;
        Assert.Equal(new ExportPolicy { AllowedNetworks = ["192.0.2.0/24", "2001:db8::/32"], WidestIPv4Prefix = 24, NoRootSquashAllowed = true }, policy);
        Assert.Contains("Clients in 192.0.2.0/24, 2001:db8::/32", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_export_network_is_refused_at_its_field()
    {
        var (_, dialogs) = OpenNewTypeDialog();

        dialogs.Find("#share-type-export-networks").Input("192.0.2.1/24");
        dialogs.Find("form").Submit();

        dialogs.WaitForAssertion(() => Assert.Contains("did you mean 192.0.2.0/24?", FieldText(dialogs, "share-type-export-networks"), StringComparison.Ordinal));
        Assert.False(TypeExists("fast"));
    }

    [Fact]
    public void An_admin_is_warned_while_the_policy_would_let_tenants_export_to_the_world()
    {
        var (_, dialogs) = OpenNewTypeDialog();
        Assert.Empty(dialogs.FindAll("[data-testid=share-type-export-world]"));

        dialogs.Find("#share-type-export-ipv4").Input("0");

        dialogs.WaitForAssertion(() => Assert.Contains("every client, anywhere",
            dialogs.Find("[data-testid=share-type-export-world]").TextContent, StringComparison.Ordinal));
    }
}
