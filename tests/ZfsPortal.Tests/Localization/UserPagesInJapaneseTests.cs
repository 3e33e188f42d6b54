using ZfsPortal.Components;
using ZfsPortal.Components.Layout;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// Issue 17 point 3: each user-facing page and component, rendered in Japanese, shows no English and looks up no
/// text that has no Japanese. The admin pages have their list in AdminPagesInJapaneseTests.
/// </summary>
public sealed class UserPagesInJapaneseTests : JapanesePageTestContext
{
    private static readonly JapaneseCase[] Cases =
    [
        new("navigation menu (tenant)", async c =>
        {
            var (_, member) = c.Seed.AddProjectWithMember("alpha");
            c.SignInAs(member);
            var nav = c.RenderOne<NavMenu>();
            return await Task.FromResult(new Shown(nav.Markup, []));
        }),
        new("connection banners", c => Task.FromResult(new Shown(c.RenderOne<ConnectionBanners>().Markup, []))),
        new("project switcher without a project", c =>
        {
            var (_, member) = c.Seed.AddProjectWithMember("alpha");
            c.SignInAs(member with { UserId = "nobody" });
            return Task.FromResult(new Shown(c.RenderOne<ProjectSwitcher>().Markup, []));
        }),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public Task Shows_only_Japanese(string name) => AssertAllJapaneseAsync(Cases.Single(c => c.Name == name));
}
