namespace ZfsPortal.Bench;

/// <summary>The Manila driver's columns and section of the report: its figures from this run, beside the floor's and the portal's.</summary>
internal static class PeerReport
{
    public const string Header = "Manila driver median | Manila p95 | portal ÷ Manila | Manila ÷ its floor (no guard)";
    public const string Align = "---: | ---: | ---: | ---:";

    public static string Cells(BenchResults r, string op, Series floor, Series portal)
    {
        if (r.Manila?.GetValueOrDefault(op) is not { N: > 0 } m)
            return "— | — | — | —";
        return $"{Fmt.Ms(m.Median)} | {Fmt.Ms(m.P95)} | {Fmt.F(portal.Median / m.Median, "F2")} | {Fmt.X(m.Median / Unguarded(r, op, floor).Median)}";
    }

    /// <summary>Manila's own floor: the same commands without the guard, as its user runs them; the guarded one if that did not run.</summary>
    private static Series Unguarded(BenchResults r, string op, Series floor) => r.FloorUnguarded?.GetValueOrDefault(op) is { N: > 0 } u ? u : floor;

    /// <summary>One table of the three from the same run, and the commands the driver ran; or why it did not run.</summary>
    public static void Section(BenchResults r, Action<FormattableString> line)
    {
        if (r.Floor is null || r.Portal is null)
            return;
        line($"### Floor, portal and Manila's driver, same run, interleaved per sample (ms)");
        line($"");
        if (r.ManilaUnavailable is { } why)
        {
            line($"Manila's driver: {why}");
            line($"");
            if (r.Manila is null)
                return;
        }
        line($"Floor: the portal's commands through its guard; floor without guard: the same as Manila's user runs them (`sudo -n zfs …`).");
        line($"");
        line($"| operation | n (floor / portal / Manila) | floor median / p95 | floor without guard median / p95 | portal median / p95 | Manila median / p95 | portal ÷ floor | Manila ÷ floor without guard | Manila ÷ portal |");
        line($"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var op in Ops.All)
        {
            var (f, p, m) = (r.Floor[op], r.Portal[op], r.Manila![op]);
            var u = r.FloorUnguarded?.GetValueOrDefault(op) ?? new Series(op);
            line($"| {op} | {f.N} / {p.N} / {m.N} | {Fmt.Ms(f.Median)} / {Fmt.Ms(f.P95)} | {Fmt.Ms(u.Median)} / {Fmt.Ms(u.P95)} | {Fmt.Ms(p.Median)} / {Fmt.Ms(p.P95)} | {Fmt.Ms(m.Median)} / {Fmt.Ms(m.P95)} | {Fmt.X(p.Median / f.Median)} | {Fmt.X(m.Median / u.Median)} | {Fmt.X(m.Median / p.Median)} |");
        }
        line($"");
        line($"Host commands Manila's driver ran per operation (mean count):");
        line($"");
        foreach (var op in Ops.All)
        {
            var n = Math.Max(1, r.Manila![op].N);
            var counts = r.ManilaCommands?.GetValueOrDefault(op) ?? [];
            line($"- {op}: {string.Join(", ", counts.OrderByDescending(kv => kv.Value).Select(kv => Fmt.Inv($"{kv.Key} ×{kv.Value / (double)n:0.##}")))}");
        }
        line($"");
    }
}
