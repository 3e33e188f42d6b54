using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Tests.Features.Shares.Create;

public sealed class CreateShareFormTests : MudTestContext
{
    private readonly TestWorld _world = new();
    private readonly Project _project;
    private readonly ZfsPortal.Features.Account.CurrentUser _member;
    private readonly List<Guid> _created = [];

    public CreateShareFormTests()
    {
        (_project, _member) = _world.AddProjectWithMember("demo", QuotaLimits.Defaults with { Gigabytes = 10 });
    }

    private IRenderedComponent<CreateShareForm> RenderForm()
    {
        var types = new ShareTypeQueries(_world.Db).ListForProjectAsync(_project.Id).GetAwaiter().GetResult();
        RenderPopovers();
        return Render<CreateShareForm>(ps => ps
            .Add(p => p.ShareTypes, types)
            .Add(p => p.ProjectId, _project.Id)
            .Add(p => p.Submit, r => _world.CreateShares.CreateAsync(_member, r))
            .Add(p => p.Created, id => _created.Add(id)));
    }

    private static void Fill(IRenderedComponent<CreateShareForm> cut, string name, string size)
    {
        cut.Find("#share-name").Input(name);
        cut.Find("#share-size").Input(size);
    }

    [Fact]
    public void A_valid_request_creates_the_share_and_reports_its_id()
    {
        Interactive();
        var cut = RenderForm();

        Fill(cut, "zfsvol", "5");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Single(_created));
        var share = _world.Share(_created[0]);
        Assert.Equal(("zfsvol", 5, ShareStatus.Creating), (share.Name, share.SizeGiB, share.Status));
        Assert.Equal(_world.DefaultType.Id, share.ShareTypeId);
    }

    [Theory]
    [InlineData("zfsvol", "abc", "not a whole number")]
    [InlineData("zfsvol", "0", "at least 1 GiB")]
    [InlineData("zfsvol", "11", "quota")]
    [InlineData("", "1", "Give the share a name")]
    public void Bad_input_shows_the_message_at_the_field_and_creates_nothing(string name, string size, string message)
    {
        Interactive();
        var cut = RenderForm();

        Fill(cut, name, size);
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains(message, cut.Markup, StringComparison.Ordinal));
        Assert.Empty(_created);
        Assert.Empty(_world.Scheduler.Enqueued);
    }

    [Fact]
    public void A_description_that_reaches_the_fields_limit_says_the_rest_was_left_out()
    {
        Interactive();
        var cut = RenderForm();
        const string LeftOut = "anything typed or pasted beyond it was left out";

        cut.Find("#share-description").Input(new string('d', ShareRules.MaxDescriptionLength - 1));
        Assert.DoesNotContain(LeftOut, cut.Markup, StringComparison.Ordinal);
        // What the browser hands over from a longer paste: the text cut at maxlength.
        cut.Find("#share-description").Input(new string('d', ShareRules.MaxDescriptionLength));

        cut.WaitForAssertion(() => Assert.Contains($"({ShareRules.MaxDescriptionLength} characters); {LeftOut}", cut.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_share_type_is_chosen_and_the_size_starts_at_one_gib()
    {
        Interactive();
        var cut = RenderForm();

        Assert.Equal("1", cut.Find("#share-size").GetAttribute("value"));
        Assert.Contains("default shares (1–100 GiB)", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Before_the_circuit_is_live_the_submit_button_is_disabled_so_no_click_is_lost()
    {
        Interactive(false);
        var cut = RenderForm();

        Assert.True(cut.Find("[data-testid=create-share-submit]").HasAttribute("disabled"));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _world.Dispose();
        base.Dispose(disposing);
    }
}
