using System.Globalization;

namespace ZfsPortal.Api.Manila;

/// <summary>A Manila microversion (<c>2.72</c>): major and minor compared as numbers, so 2.9 is older than 2.10.</summary>
public readonly record struct ApiVersion(int Major, int Minor) : IComparable<ApiVersion>
{
    public static readonly ApiVersion Min = new(2, 0), Max = new(2, 72);

    public static ApiVersion? TryParse(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Equals("latest", StringComparison.OrdinalIgnoreCase))
            return Max;
        var parts = trimmed.Split('.');
        return parts.Length == 2
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? new ApiVersion(major, minor) : null;
    }

    public int CompareTo(ApiVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public bool AtLeast(int major, int minor) => CompareTo(new ApiVersion(major, minor)) >= 0;

    public static bool operator <(ApiVersion a, ApiVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(ApiVersion a, ApiVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(ApiVersion a, ApiVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ApiVersion a, ApiVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
