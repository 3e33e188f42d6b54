namespace ZfsPortal.Components;

/// <summary>
/// The words many pages share (Cancel, Save, Name, Size…), looked up as <c>IStringLocalizer&lt;SharedText&gt;</c>;
/// their Japanese is in SharedText.ja.resx beside this file. Keys are the English text (docs/adr/0028).
/// </summary>
public sealed class SharedText;
