using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// Renders the portal's pages under ja-JP and fails on any text with no Japanese: a localizer lookup that found no
/// resource, or an English word left in what the page shows. Cases are data (<see cref="JapaneseCase"/>), so the
/// user pages and the admin pages each keep their list in their own test file.
/// </summary>
public abstract class JapanesePageTestContext : PortalPageTestContext
{
    /// <summary>Runs <paramref name="page"/> under Japanese and asserts that everything it shows is Japanese.</summary>
    protected async Task AssertAllJapaneseAsync(JapaneseCase page)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ja-JP");
        try
        {
            var sentencesMissed = ZfsPortal.Features.Common.Sentences.RecordMisses();
            var shown = await page.Render(this);
            var leftovers = EnglishLeftovers.In(shown.Markup, shown.DataValues, shown.Elsewhere);
            Assert.True(MissingText.Misses.Count == 0, $"{page.Name}: no Japanese for\n  {string.Join("\n  ", MissingText.Misses)}");
            // A sentence a service said or stored with no entry in Sentences.ja.resx, unless it holds no English word
            // beyond the case's data (a rule's target, a dataset name).
            var untranslated = sentencesMissed.Where(s => EnglishLeftovers.In(System.Net.WebUtility.HtmlEncode(s), shown.DataValues).Count > 0).ToList();
            Assert.True(untranslated.Count == 0, $"{page.Name}: no entry in Sentences.ja.resx for\n  {string.Join("\n  ", untranslated)}");
            Assert.True(leftovers.Count == 0, $"{page.Name}: English shown\n  {string.Join("\n  ", leftovers)}");
            Assert.True(shown.Markup.Any(c => c is >= '\u3040' and <= '\u30ff' or >= '\u4e00' and <= '\u9fff'),
                $"{page.Name}: rendered no Japanese at all:\n{shown.Markup}");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    // The helpers a case needs from the context, public through the case's argument.
    public TestWorld Seed => World;

    public void SignInAs(ZfsPortal.Features.Account.CurrentUser user) => SignIn(user);

    public (IRenderedComponent<TPage> Page, IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs) Open<TPage>(
        Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null) where TPage : Microsoft.AspNetCore.Components.IComponent =>
        RenderPage(parameters);

    /// <summary>Puts the browser at <paramref name="uri"/>, for pages that read their query string.</summary>
    public void GoTo(string uri) => Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo(uri);

    public IRenderedComponent<TComponent> RenderOne<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameters = null)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        parameters is null ? Render<TComponent>() : Render(parameters);
}

/// <summary>
/// What a case rendered: all the markup a user would see, the data values in it (names, addresses, what services wrote),
/// and the selectors of parts another list of cases checks.
/// </summary>
public sealed record Shown(string Markup, IReadOnlyList<string> DataValues, IReadOnlyList<string>? Elsewhere = null);

/// <summary>One page or component in one state, as the Japanese check renders it.</summary>
public sealed record JapaneseCase(string Name, Func<JapanesePageTestContext, Task<Shown>> Render)
{
    public override string ToString() => Name;
}
