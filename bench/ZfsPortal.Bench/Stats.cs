using System.Globalization;

namespace ZfsPortal.Bench;

/// <summary>A named set of samples in milliseconds (or any unit) with the figures the report quotes.</summary>
internal sealed class Series(string name)
{
    public string Name { get; } = name;
    public List<double> Values { get; } = [];

    public int N => Values.Count;
    public double Median => Percentile(50);
    public double P95 => Percentile(95);
    public double Min => N == 0 ? double.NaN : Values.Min();
    public double Max => N == 0 ? double.NaN : Values.Max();
    public double Mean => N == 0 ? double.NaN : Values.Average();

    public void Add(double value) => Values.Add(value);

    /// <summary>Linear interpolation between closest ranks (numpy's default).</summary>
    public double Percentile(double p)
    {
        if (N == 0)
            return double.NaN;
        var sorted = Values.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public string Describe(string unit = "ms") =>
        N == 0 ? "(no samples)" : string.Create(CultureInfo.InvariantCulture, $"median {Median:F1} {unit}, p95 {P95:F1} {unit}, n={N}");
}

internal static class Fmt
{
    public static string Ms(double v) => double.IsNaN(v) ? "—" : v.ToString(v >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);

    public static string X(double v) => double.IsNaN(v) || double.IsInfinity(v) ? "—" : v.ToString("F1", CultureInfo.InvariantCulture) + "×";

    public static string F(double v, string format = "F1") => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);

    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
