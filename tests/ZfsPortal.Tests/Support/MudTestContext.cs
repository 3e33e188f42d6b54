using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using MudBlazor;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZfsPortal.Hosting;
using ZfsPortal.Tests.Localization;

namespace ZfsPortal.Tests.Support;

/// <summary>
/// bUnit with MudBlazor's services, loose JS interop and instant snackbars, as MudBlazor's own tests do.
/// Call <see cref="Interactive"/> after registering the test's services (bUnit requires that order).
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    protected MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        // The portal's localizers, as the app registers them; English (the keys) unless a test sets a culture.
        Services.AddPortalLocalization();
        Services.AddSingleton<IStringLocalizerFactory>(MissingText);
        // The sign-in and password forms render an AntiforgeryToken; a test has no request to take one from.
        Services.TryAddSingleton<AntiforgeryStateProvider, NoAntiforgery>();
    }

    /// <summary>Every localizer lookup that found no text for the current culture (see tests/ZfsPortal.Tests/Localization).</summary>
    protected MissingTextRecorder MissingText { get; } = new(new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = PortalLocalization.ResourcesPath }), NullLoggerFactory.Instance));

    protected void Interactive(bool interactive = true) =>
        SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously; xunit 2 would otherwise call Dispose.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    private sealed class NoAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => null;
    }

    protected IRenderedComponent<MudPopoverProvider> RenderPopovers() => Render<MudPopoverProvider>();
}
