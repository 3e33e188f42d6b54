using Microsoft.Extensions.Localization;
using MudBlazor;

namespace ZfsPortal.Components;

/// <summary>
/// MudBlazor's own words (a dialog's Close, a pager's Rows per page) in the portal's languages: MudBlazor keeps its
/// English and asks this localizer under any other culture. Keys are MudBlazor's (MudDialog_Close), in MudWords.ja.resx.
/// </summary>
public sealed class MudWords(IStringLocalizer<MudWords> text) : MudLocalizer
{
    public override LocalizedString this[string key] => text[key];
}
