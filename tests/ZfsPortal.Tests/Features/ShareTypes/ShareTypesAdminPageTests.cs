using Bunit;
using Microsoft.EntityFrameworkCore;
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
}
