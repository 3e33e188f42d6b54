namespace ZfsPortal.Drills;

/// <summary>One row of the table in docs/reliability.md.</summary>
internal sealed class DrillRow(string drill)
{
    public string Drill { get; } = drill;
    public int Runs { get; set; }
    public int Faults { get; set; }
    public int Lost { get; set; }
    public HashSet<string> Orphans { get; } = [];
    public HashSet<string> Mismatches { get; } = [];
    public List<double> RecoverSeconds { get; } = [];
    public List<string> Notes { get; } = [];

    public void Add(Check check)
    {
        Lost += check.Unsettled;
        foreach (var f in check.Findings)
            (f.Contains("refquota", StringComparison.Ordinal) || f.StartsWith("quota", StringComparison.Ordinal) ? Mismatches : Orphans).Add(f);
    }

    public static string Median(List<double> xs)
    {
        if (xs.Count == 0)
            return "–";
        var s = xs.Order().ToList();
        var m = s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        return Rig.Inv($"{m:F1} s / {s[^1]:F1} s");
    }
}
