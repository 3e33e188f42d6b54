using System.Globalization;

namespace ZfsPortal.Features.Common;

public static class Bytes
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>1536 → "1.5 KiB": binary units, as zfs and df -h print them; the number in the reader's culture.</summary>
    public static string Format(long bytes) => Format(bytes, CultureInfo.CurrentCulture);

    /// <summary>As <see cref="Format(long)"/>, for text that is stored or logged rather than shown (invariant).</summary>
    public static string Format(long bytes, IFormatProvider culture)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Create(culture, $"{value:0.#} {Units[unit]}");
    }
}
