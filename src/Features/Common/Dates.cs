using System.Globalization;

namespace ZfsPortal.Features.Common;

public static class Dates
{
    /// <summary>
    /// A time as the reader's culture writes it ("2026/12/02 6:52 UTC" in Japanese, "12/2/2026 6:52 AM UTC" in English),
    /// kept in UTC as the host's logs and Manila's API are.
    /// </summary>
    public static string Format(DateTime utc) => string.Create(CultureInfo.CurrentCulture, $"{utc:g} UTC");
}
