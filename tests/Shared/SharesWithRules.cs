using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Storage;

namespace ZfsPortal.Testing;

/// <summary>
/// Issue 11's setting for a host drill: shares made through a whole portal, each with two rules (203.0.113.N rw, 198.51.100.N ro)
/// and a file of its own, all available and active before anything is done to the host. Then it says, as root with the local
/// tools, what of it the host has lost: a share not mounted (its file not readable at its path), a rule missing from the kernel's
/// export table or from the backend's exports file.
/// </summary>
internal sealed class SharesWithRules
{
    private const string Marker = "drill-marker";
    private readonly TestPortal _portal;
    private readonly string? _exportsFile;

    private SharesWithRules(TestPortal portal, string? exportsFile, List<(Guid Id, string Dataset, string Path)> shares) =>
        (_portal, _exportsFile, Shares) = (portal, exportsFile, shares);

    public IReadOnlyList<(Guid Id, string Dataset, string Path)> Shares { get; }

    public int Rules => 2 * Shares.Count;

    /// <summary>Every share available with its two rules active, or a throw that says what did not get there within 2 minutes.</summary>
    public static async Task<SharesWithRules> CreateAsync(TestPortal portal, BackendOptions backend, int count, CancellationToken ct = default)
    {
        CurrentUser tenant;
        Guid project, type;
        await using (var db = await portal.Db.CreateDbContextAsync(ct))
        {
            var user = await db.Users.SingleAsync(u => u.Email == TestPortal.TenantEmail, ct);
            tenant = new CurrentUser(user.Id, user.UserName!, IsAdmin: false);
            project = (await db.Projects.SingleAsync(p => p.Name == TestPortal.DemoProject, ct)).Id;
            type = (await db.ShareTypes.OrderByDescending(t => t.IsDefault).FirstAsync(ct)).Id;
        }

        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var created = await portal.Get<CreateShareService>().CreateAsync(tenant, new CreateShareRequest(project, type, $"drill{i}", null, "1"), ct);
            ids.Add(created.Id ?? throw new InvalidOperationException($"Share drill{i} was refused: {created.Error}"));
        }

        var shares = new List<(Guid, string, string)>();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var share = await WaitAsync(portal, id, ct);
            foreach (var (target, level) in new[] { ($"203.0.113.{i + 1}", "rw"), ($"198.51.100.{i + 1}", "ro") })
            {
                var allowed = await portal.Get<AccessService>().AllowAsync(tenant, id, target, level, ct: ct);
                if (!allowed.Succeeded)
                    throw new InvalidOperationException($"Rule {target} on {share.Name} was refused: {allowed.Error}");
            }

            await File.WriteAllTextAsync(Path.Combine(share.Mountpoint!, Marker), share.Dataset, ct);
            shares.Add((id, share.Dataset!, share.Mountpoint!));
        }

        var all = new SharesWithRules(portal, backend.ExportsFile, shares);
        var clock = Stopwatch.StartNew();
        while ((await all.ActiveRulesAsync(ct) != all.Rules || (await all.LostAsync(ct)).Count > 0) && clock.Elapsed < TimeSpan.FromMinutes(2))
            await Task.Delay(200, ct);
        if (await all.ActiveRulesAsync(ct) != all.Rules || await all.LostAsync(ct) is [_, ..] lost)
            throw new InvalidOperationException($"Not every rule became active and exported within 2 minutes: {string.Join("; ", await all.LostAsync(ct))}.");
        return all;
    }

    /// <summary>What the host lacks now, one line each: "not mounted PATH", "table CLIENT:PATH", "file CLIENT:PATH".</summary>
    public async Task<List<string>> LostAsync(CancellationToken ct = default)
    {
        var lost = Shares.Where(s => !Readable(s.Path, s.Dataset)).Select(s => $"not mounted {s.Path}").ToList();
        var table = ExportfsTable.Parse(await LocalAsync("/usr/sbin/exportfs", "-v", ct)).Select(e => (e.Path, e.Client)).ToHashSet();
        var file = _exportsFile is { Length: > 0 } && File.Exists(_exportsFile)
            ? ExportsFileLines.Parse(await File.ReadAllTextAsync(_exportsFile, ct)).Select(e => (e.Path, e.Client)).ToHashSet()
            : null;
        foreach (var (path, client) in Wanted())
        {
            if (!table.Contains((path, client)))
                lost.Add($"table {client}:{path}");
            if (file is not null && !file.Contains((path, client)))
                lost.Add($"file {client}:{path}");
        }

        return lost;
    }

    /// <summary>Polls <see cref="LostAsync"/> until nothing is lost or <paramref name="limit"/> has passed since <paramref name="from"/>.</summary>
    public async Task<(List<string> Lost, TimeSpan Repair)> WaitRepairedAsync(DateTime from, TimeSpan limit, CancellationToken ct = default)
    {
        var lost = await LostAsync(ct);
        while (lost.Count > 0 && DateTime.UtcNow - from < limit)
        {
            await Task.Delay(100, ct);
            lost = await LostAsync(ct);
        }

        return (lost, DateTime.UtcNow - from);
    }

    public async Task<int> ActiveRulesAsync(CancellationToken ct = default)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(ct);
        var ids = Shares.Select(s => s.Id).ToList();
        return await db.AccessRules.CountAsync(r => ids.Contains(r.ShareId) && r.State == AccessRuleState.Active, ct);
    }

    public async Task<int> AvailableAsync(CancellationToken ct = default)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(ct);
        var ids = Shares.Select(s => s.Id).ToList();
        return await db.Shares.CountAsync(s => ids.Contains(s.Id) && s.Status == ShareStatus.Available, ct);
    }

    private IEnumerable<(string Path, string Client)> Wanted() =>
        Shares.Select((s, i) => (s.Path, i)).SelectMany(s => new[] { (s.Path, $"203.0.113.{s.i + 1}"), (s.Path, $"198.51.100.{s.i + 1}") });

    private static bool Readable(string path, string dataset)
    {
        try
        {
            return File.ReadAllText(Path.Combine(path, Marker)) == dataset;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<Share> WaitAsync(TestPortal portal, Guid id, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var db = await portal.Db.CreateDbContextAsync(ct);
            var share = await db.Shares.AsNoTracking().SingleAsync(s => s.Id == id, ct);
            if (share.Status == ShareStatus.Available)
                return share;
            if (share.Status == ShareStatus.Error || clock.Elapsed > TimeSpan.FromMinutes(2))
                throw new InvalidOperationException($"Share {share.Name} is {share.Status}, not available: {share.StatusMessage}");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<string> LocalAsync(string file, string arg, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return await stdout;
    }
}
