using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Features.Account.ApiTokens;

namespace ZfsPortal.Tests.Features.Account;

/// <summary>The /api-tokens page: a name is required, the secret is shown once and stored only hashed, revoking asks first.</summary>
public sealed class ApiTokensPageTests : PortalPageTestContext
{
    [Fact]
    public void A_token_is_made_shown_once_listed_and_revoked_after_a_confirmation()
    {
        var (_, member) = World.AddProjectWithMember("alpha", ZfsPortal.Data.QuotaLimits.Defaults);
        SignIn(member);
        var (page, dialogs) = RenderPage<ApiTokensPage>();
        page.WaitForAssertion(() => Assert.Contains("You have no API tokens.", page.Markup, StringComparison.Ordinal));

        Create(page);
        page.WaitForAssertion(() => Assert.Contains("Give the token a name.", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=token-secret]"));
        Assert.Empty(World.Db.CreateDbContext().ApiTokens.ToList());

        Input(page, "token-name").Change("ci-runner");
        Create(page);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=token-secret]")));
        var secret = page.Find("[data-testid=token-secret]").TextContent.Trim();
        Assert.StartsWith(ApiTokenSecrets.Prefix, secret, StringComparison.Ordinal);
        using (var db = World.Db.CreateDbContext())
        {
            var stored = db.ApiTokens.AsNoTracking().Single();
            Assert.Equal(("ci-runner", ApiTokenSecrets.Hash(secret)), (stored.Name, stored.SecretHash));
        }
        var row = page.Find("[data-testid=tokens-table] tbody tr");
        Assert.Contains("ci-runner", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, row.TextContent, StringComparison.Ordinal);
        Assert.Contains("active", row.TextContent, StringComparison.Ordinal);

        Button(page, "revoke-token").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("stop working at once", dialogs.Markup, StringComparison.Ordinal));
        using (var db = World.Db.CreateDbContext())
            Assert.Null(db.ApiTokens.AsNoTracking().Single().RevokedAt);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();
        page.WaitForAssertion(() => Assert.Contains("revoked", page.Find("[data-testid=tokens-table] tbody tr").TextContent, StringComparison.Ordinal));
        using (var db = World.Db.CreateDbContext())
            Assert.NotNull(db.ApiTokens.AsNoTracking().Single().RevokedAt);
    }

    private static void Create(IRenderedComponent<ApiTokensPage> page) => Button(page, "create-token").Click();

    /// <summary>MudBlazor puts a component's data- attributes on its element or on the element inside it.</summary>
    private static IElement Input(IRenderedComponent<ApiTokensPage> page, string testId) =>
        page.Find($"[data-testid={testId}]") is { TagName: "INPUT" } input ? input : page.Find($"[data-testid={testId}] input");

    private static IElement Button(IRenderedComponent<ApiTokensPage> page, string testId) =>
        page.Find($"[data-testid={testId}]") is { TagName: "BUTTON" } button ? button : page.Find($"[data-testid={testId}] button");
}
