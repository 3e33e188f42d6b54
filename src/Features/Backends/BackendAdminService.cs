using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Backends;

/// <summary>The backend form; the host key is pinned in its own explicit step, never typed here.</summary>
public sealed record BackendInput(
    string? Name, string? Host, string? Port, string? User, string? PrivateKeyPath, string? ShareExportIp, string? ServiceIp,
    string? Pools, string? DatasetPrefix, string? SnapshotPrefix, string? DatasetCreationOptions, string? NfsHelper,
    string? ZfsPath, string? ZpoolPath, string? ExportfsPath, string? SudoPath, string? GuardPath = null,
    string? ExportsFile = null, string? GaneshaPath = null);

public sealed record PoolView(string Pool, long? AvailableBytes, long? UsedBytes, long PromisedGiB, int Shares);

public sealed record BackendRow(Guid Id, string Name, string Host, int Port, string User, bool Enabled, BackendHealth Health,
    string? HealthMessage, DateTime? LastCheckedAt, DateTime? LastUpAt, bool Pinned, string HostKeySha256, string NfsHelper,
    IReadOnlyList<PoolView> Pools, BackendInput Input);

/// <summary>Admins list, add, edit, disable backends, pin their host keys and run preflight checks.</summary>
public sealed partial class BackendAdminService(IDbContextFactory<PortalDbContext> dbFactory, IBackendProbe probe, TimeProvider time)
{
    public const string NameField = "Name", HostField = "Host", PortField = "Port", UserField = "User", KeyField = "PrivateKeyPath",
        ExportIpField = "ShareExportIp", ServiceIpField = "ServiceIp", PoolsField = "Pools", PrefixField = "DatasetPrefix",
        SnapshotPrefixField = "SnapshotPrefix", OptionsField = "DatasetCreationOptions", HelperField = "NfsHelper", PathsField = "Paths",
        GaneshaPathField = "GaneshaPath";
    private const string NotAdmin = "Only admins may manage backends.";

    public async Task<IReadOnlyList<BackendRow>> ListAsync(CurrentUser admin, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var promised = await db.Shares.Where(s => s.BackendName != null)
            .GroupBy(s => new { s.BackendName, s.Pool })
            .Select(g => new { g.Key.BackendName, g.Key.Pool, GiB = g.Sum(s => (long)s.SizeGiB), Count = g.Count() })
            .ToListAsync(ct);
        var backends = await db.Backends.AsNoTracking().OrderBy(b => b.Settings.Name).ToListAsync(ct);
        return backends.Select(b =>
        {
            var s = b.Settings;
            var pools = s.Pools.Select(pool =>
            {
                var reading = b.PoolReadings.FirstOrDefault(r => r.Pool == pool);
                var shares = promised.FirstOrDefault(p => p.BackendName == s.Name && p.Pool == pool);
                return new PoolView(pool, reading?.AvailableBytes, reading?.UsedBytes, shares?.GiB ?? 0, shares?.Count ?? 0);
            }).ToList();
            return new BackendRow(b.Id, s.Name, s.Host, s.Port, s.User, b.Enabled, b.Health, b.HealthMessage, b.LastCheckedAt,
                b.LastUpAt, s.HostKeySha256.Length > 0, s.HostKeySha256, s.NfsHelper, pools, ToInput(s));
        }).ToList();
    }

    public Task<CommandResult> CreateAsync(CurrentUser admin, BackendInput input, CancellationToken ct = default) => SaveAsync(admin, null, input, ct);

    public Task<CommandResult> UpdateAsync(CurrentUser admin, Guid id, BackendInput input, CancellationToken ct = default) => SaveAsync(admin, id, input, ct);

    public async Task<CommandResult> SetEnabledAsync(CurrentUser admin, Guid id, bool enabled, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var backend = await db.Backends.SingleOrDefaultAsync(b => b.Id == id, ct);
        if (backend is null)
            return CommandResult.Refused("That backend does not exist.");
        backend.Enabled = enabled;
        AuditLog.Add(db, Now, admin, enabled ? "backend.enable" : "backend.disable", $"backend {backend.Settings.Name}");
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(id, enabled ? null : "Disabled: its shares keep working, but no new share is placed on it.");
    }

    /// <summary>Step one of pinning: what the host presents right now, for the admin to compare.</summary>
    public async Task<(PresentedHostKey? Key, string? Error)> FetchHostKeyAsync(CurrentUser admin, Guid id, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return (null, NotAdmin);
        var backend = await FindAsync(id, ct);
        if (backend is null)
            return (null, "That backend does not exist.");
        try
        {
            return (await probe.FetchHostKeyAsync(backend.Settings, ct), null);
        }
        catch (StorageHostException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>
    /// Step two: pins the fingerprint the admin confirmed, but only if the host still presents exactly it,
    /// so a key that changed between showing and confirming is never trusted.
    /// </summary>
    public async Task<CommandResult> PinHostKeyAsync(CurrentUser admin, Guid id, string confirmedFingerprint, CancellationToken ct = default)
    {
        var (now, error) = await FetchHostKeyAsync(admin, id, ct);
        if (now is null)
            return CommandResult.Refused(error!);
        if (!HostKeyPin.Matches(confirmedFingerprint, now.Sha256Fingerprint))
            return CommandResult.Refused($"The host now presents {now.Sha256Fingerprint}, not the key you confirmed. Fetch it again and compare it with the host before pinning.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var backend = await db.Backends.SingleAsync(b => b.Id == id, ct);
        backend.Settings.HostKeySha256 = now.Sha256Fingerprint;
        AuditLog.Add(db, Now, admin, "backend.pin_host_key", $"backend {backend.Settings.Name}", detail: $"{now.KeyType} SHA256:{now.Sha256Fingerprint}");
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(id);
    }

    public async Task<(PreflightReport? Report, string? Error)> PreflightAsync(CurrentUser admin, Guid id, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return (null, NotAdmin);
        var backend = await FindAsync(id, ct);
        if (backend is null)
            return (null, "That backend does not exist.");
        var report = await probe.PreflightAsync(backend.Settings, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        AuditLog.Add(db, Now, admin, "backend.preflight", $"backend {backend.Settings.Name}",
            detail: report.Passed ? "all checks passed" : string.Join("; ", report.Checks.Where(c => c.Outcome == CheckOutcome.Failed).Select(c => c.Name)));
        await db.SaveChangesAsync(ct);
        return (report, null);
    }

    private async Task<Backend?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Backends.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
    }

    private async Task<CommandResult> SaveAsync(CurrentUser admin, Guid? id, BackendInput input, CancellationToken ct)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        var errors = new Dictionary<string, string>();
        var values = Validate(input, errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (values is not null && await db.Backends.AnyAsync(b => b.Settings.Name == values.Name && b.Id != id, ct))
            errors[NameField] = $"A backend named '{values.Name}' exists already.";
        if (errors.Count > 0 || values is null)
            return CommandResult.Refused(errors);

        var backend = id is null ? new Backend { CreatedAt = Now } : await db.Backends.SingleOrDefaultAsync(b => b.Id == id, ct);
        if (backend is null)
            return CommandResult.Refused("That backend does not exist.");
        if (id is not null && backend.Settings.Name != values.Name && await db.Shares.AnyAsync(s => s.BackendName == backend.Settings.Name, ct))
            return CommandResult.Refused(NameField, "Shares live on this backend under its name; it cannot be renamed.");
        // A different address is a different host until an admin says otherwise: its key must be pinned again.
        var old = backend.Settings;
        values.HostKeySha256 = old.Host == values.Host && old.Port == values.Port ? old.HostKeySha256 : "";
        if (id is not null)
            KeepUnshown(old, values);
        backend.Settings = values;
        if (id is null)
            db.Backends.Add(backend);
        AuditLog.Add(db, Now, admin, id is null ? "backend.create" : "backend.update", $"backend {values.Name}",
            detail: $"{values.User}@{values.Host}:{values.Port}, pools {string.Join(",", values.Pools)}");
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(backend.Id, values.HostKeySha256.Length == 0 ? "Saved. Pin the host key next: the portal will not connect until it is pinned." : null);
    }

    /// <summary>The settings the form does not show (set in appsettings or by the seed) survive an edit of the others.</summary>
    private static void KeepUnshown(BackendOptions old, BackendOptions values)
    {
        values.ZfsDialect = old.ZfsDialect;
        values.ConnectTimeoutSeconds = old.ConnectTimeoutSeconds;
        values.CommandTimeoutSeconds = old.CommandTimeoutSeconds;
    }

    private static BackendOptions? Validate(BackendInput input, Dictionary<string, string> errors)
    {
        if (TooLong(input) is { Count: > 0 } tooLong)
        {
            foreach (var (field, error) in tooLong)
                errors[field] = error;
            return null;
        }
        string Text(string? s) => (s ?? "").Trim();
        var o = new BackendOptions
        {
            Name = Text(input.Name), Host = Text(input.Host), User = Text(input.User), PrivateKeyPath = Text(input.PrivateKeyPath),
            ShareExportIp = Text(input.ShareExportIp), ServiceIp = Text(input.ServiceIp), DatasetPrefix = Text(input.DatasetPrefix),
            SnapshotPrefix = Text(input.SnapshotPrefix), NfsHelper = Text(input.NfsHelper),
            ZfsPath = Text(input.ZfsPath), ZpoolPath = Text(input.ZpoolPath), ExportfsPath = Text(input.ExportfsPath), SudoPath = Text(input.SudoPath),
            GuardPath = Text(input.GuardPath), ExportsFile = Text(input.ExportsFile),
        };
        // Only a ganesha backend uses it; the others keep the default, so that switching a backend to ganesha later starts from it.
        if (Text(input.GaneshaPath) is { Length: > 0 } ganeshaPath)
            o.GaneshaPath = ganeshaPath;
        if (!NamePattern().IsMatch(o.Name)) errors[NameField] = "Use 1–64 letters, digits, dots, dashes or underscores.";
        if (!HostPattern().IsMatch(o.Host) && !IPAddress.TryParse(o.Host, out _)) errors[HostField] = "Enter the host's IP address or DNS name.";
        if (!int.TryParse(Text(input.Port), out var port) || port is < 1 or > 65535) errors[PortField] = "The SSH port is a number from 1 to 65535.";
        o.Port = port;
        if (!UserPattern().IsMatch(o.User)) errors[UserField] = "Enter the unprivileged SSH user's name (letters, digits, _ and -).";
        if (!Path.IsPathFullyQualified(o.PrivateKeyPath)) errors[KeyField] = "Enter the absolute path of the private key file on the portal's machine.";
        if (!IPAddress.TryParse(o.ShareExportIp, out _)) errors[ExportIpField] = "Enter the IP address clients mount from.";
        if (o.ServiceIp.Length > 0 && !IPAddress.TryParse(o.ServiceIp, out _)) errors[ServiceIpField] = "Enter an IP address, or leave it empty.";
        o.Pools = Text(input.Pools).Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (o.Pools.Count == 0 || o.Pools.Any(p => !PoolPattern().IsMatch(p))) errors[PoolsField] = "Name at least one pool, separated by commas (letters, digits, _ . : -).";
        if (!PrefixPattern().IsMatch(o.DatasetPrefix)) errors[PrefixField] = "Use letters, digits, _ . : - (it starts every dataset name).";
        if (!PrefixPattern().IsMatch(o.SnapshotPrefix)) errors[SnapshotPrefixField] = "Use letters, digits, _ . : - (it starts every snapshot name).";
        if (!NfsHelpers.Names.Contains(o.NfsHelper)) errors[HelperField] = $"Choose {NfsHelpers.OneOf()}.";
        if (new[] { o.ZfsPath, o.ZpoolPath, o.ExportfsPath, o.SudoPath }.Any(p => !p.StartsWith('/') || p.Any(char.IsWhiteSpace)))
            errors[PathsField] = "Command paths must be absolute (sudoers lists absolute paths), e.g. /usr/sbin/zfs.";
        if (o.GuardPath.Length > 0 && (!o.GuardPath.StartsWith('/') || o.GuardPath.Any(char.IsWhiteSpace)))
            errors[PathsField] = "The guard's path must be absolute (sudoers names it), e.g. /usr/local/sbin/zfsportal-guard, or empty for none.";
        if (o.ExportsFile.Length > 0 && (!ExportsFileRule.IsValid(o.ExportsFile) || o.GuardPath.Length == 0))
            errors[PathsField] = "The exports file is /etc/exports.d/NAME.exports and needs the host guard, which writes it; or leave it empty for none.";
        if (o.NfsHelper == GaneshaHelper.Name && !StorageOptionsValidator.IsAbsoluteCommandPath(o.GaneshaPath))
            errors[GaneshaPathField] = "The ganesha helper's path must be absolute (sudoers names it) and hold only letters, digits, / _ . and -, " +
                                       "e.g. /usr/local/sbin/zfsportal-ganesha.";
        if (DatasetPropertyRules.Parse(input.DatasetCreationOptions, out var optionsError) is { } options)
            o.DatasetCreationOptions = options;
        else
            errors[OptionsField] = optionsError!;
        return errors.Count == 0 ? o : null;
    }

    /// <summary>The fields longer than the form lets through (each form field's MaxLength is the same limit).</summary>
    private static Dictionary<string, string> TooLong(BackendInput input)
    {
        var limits = new (string Field, string? Text, int Max)[]
        {
            (NameField, input.Name, UserInput.MaxNameLength), (PortField, input.Port, UserInput.MaxNumberLength),
            (HostField, input.Host, UserInput.MaxLineLength), (UserField, input.User, UserInput.MaxLineLength),
            (KeyField, input.PrivateKeyPath, UserInput.MaxLineLength), (ExportIpField, input.ShareExportIp, UserInput.MaxLineLength),
            (ServiceIpField, input.ServiceIp, UserInput.MaxLineLength), (PoolsField, input.Pools, UserInput.MaxTextLength),
            (PrefixField, input.DatasetPrefix, UserInput.MaxLineLength), (SnapshotPrefixField, input.SnapshotPrefix, UserInput.MaxLineLength),
            (OptionsField, input.DatasetCreationOptions, UserInput.MaxTextLength), (HelperField, input.NfsHelper, UserInput.MaxLineLength),
            (PathsField, input.ZfsPath, UserInput.MaxLineLength), (PathsField, input.ZpoolPath, UserInput.MaxLineLength),
            (PathsField, input.ExportfsPath, UserInput.MaxLineLength), (PathsField, input.SudoPath, UserInput.MaxLineLength),
            (GaneshaPathField, input.GaneshaPath, UserInput.MaxLineLength),
        };
        var errors = new Dictionary<string, string>();
        foreach (var (field, text, max) in limits)
            if (UserInput.TooLong(text, max) is { } error)
                errors.TryAdd(field, error);
        return errors;
    }

    private static BackendInput ToInput(BackendOptions b) => new(b.Name, b.Host, b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), b.User,
        b.PrivateKeyPath, b.ShareExportIp, b.ServiceIp, string.Join(", ", b.Pools), b.DatasetPrefix, b.SnapshotPrefix,
        string.Join("\n", b.DatasetCreationOptions.Select(kv => $"{kv.Key}={kv.Value}")), b.NfsHelper, b.ZfsPath, b.ZpoolPath,
        b.ExportfsPath, b.SudoPath, b.GuardPath, b.ExportsFile, b.GaneshaPath);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}$")] private static partial Regex NamePattern();
    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")] private static partial Regex HostPattern();
    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}$")] private static partial Regex UserPattern();
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.:-]{0,63}$")] private static partial Regex PoolPattern();
    [GeneratedRegex(@"^[A-Za-z0-9_.:-]{1,32}$")] private static partial Regex PrefixPattern();
}
