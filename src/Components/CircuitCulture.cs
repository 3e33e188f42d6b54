using System.Globalization;

namespace ZfsPortal.Components;

/// <summary>
/// The page's culture, for a re-render that a background event starts: a job's <c>ShareChanged</c> or a health check
/// calls the page on the publisher's thread, whose culture is the process's, and InvokeAsync keeps it, so the page
/// would re-render in English. Capture while the circuit runs the component (OnInitialized, OnAfterRender), apply
/// inside the InvokeAsync callback.
/// </summary>
public sealed class CircuitCulture
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public static CircuitCulture Capture() => new();

    public void Apply()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
