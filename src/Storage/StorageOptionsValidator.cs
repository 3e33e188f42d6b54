using System.Net;
using Microsoft.Extensions.Options;

namespace ZfsPortal.Storage;

/// <summary>
/// Checks the storage backends at start, so a bad appsettings.json stops the app with messages that
/// name the exact key (<c>Storage:Backends:0:Port</c>) instead of failing at the first share.
/// </summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Backends.Count; i++)
        {
            var key = $"{StorageOptions.Section}:Backends:{i}";
            var backend = options.Backends[i];
            if (backend is null)
            {
                failures.Add($"{key} is empty.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(backend.Name))
            {
                failures.Add($"{key}:Name is required (a short name admins and logs use for this host).");
            }
            else if (!names.Add(backend.Name))
            {
                failures.Add($"{key}:Name '{backend.Name}' is used by another backend; names must be unique.");
            }

            ValidateBackend(backend, key, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateBackend(BackendOptions b, string key, List<string> failures)
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add($"{key}:{message}");
            }
        }

        Require(!string.IsNullOrWhiteSpace(b.Host), "Host is required (the SSH address of the ZFS host).");
        Require(b.Port is >= 1 and <= 65535, $"Port must be between 1 and 65535 (was {b.Port}).");
        Require(!string.IsNullOrWhiteSpace(b.User), "User is required (the unprivileged SSH user allowed to sudo zfs).");
        Require(!string.IsNullOrWhiteSpace(b.PrivateKeyPath), "PrivateKeyPath is required (the SSH private key file the portal logs in with).");
        Require(b.HostKeySha256.Length == 0 || HostKeyPin.IsWellFormed(b.HostKeySha256),
            $"HostKeySha256 '{b.HostKeySha256}' is not a SHA-256 fingerprint (43 base64 characters, optionally after 'SHA256:').");
        Require(IPAddress.TryParse(b.ShareExportIp, out _), $"ShareExportIp '{b.ShareExportIp}' is not an IP address.");
        Require(b.ServiceIp.Length == 0 || IPAddress.TryParse(b.ServiceIp, out _), $"ServiceIp '{b.ServiceIp}' is not an IP address.");
        Require(NfsHelpers.Names.Contains(b.NfsHelper, StringComparer.Ordinal), $"NfsHelper must be {NfsHelpers.OneOf("'")} (was '{b.NfsHelper}').");
        Require(ZfsDialects.Names.Contains(b.ZfsDialect, StringComparer.Ordinal),
            $"ZfsDialect must be 'auto', 'zfs-fuse' or 'openzfs' (was '{b.ZfsDialect}').");
        Require(b.ConnectTimeoutSeconds > 0, $"ConnectTimeoutSeconds must be positive (was {b.ConnectTimeoutSeconds}).");
        Require(b.CommandTimeoutSeconds > 0, $"CommandTimeoutSeconds must be positive (was {b.CommandTimeoutSeconds}).");

        foreach (var (pathKey, path) in new[]
                 {
                     ("SudoPath", b.SudoPath), ("ZfsPath", b.ZfsPath), ("ZpoolPath", b.ZpoolPath), ("ExportfsPath", b.ExportfsPath),
                 })
        {
            Require(IsAbsoluteCommandPath(path), $"{pathKey} must be an absolute path such as /usr/sbin/zfs (was '{path}').");
        }

        Require(string.IsNullOrEmpty(b.GuardPath) || IsAbsoluteCommandPath(b.GuardPath),
            $"GuardPath must be empty (no guard) or an absolute path such as /usr/local/sbin/zfsportal-guard (was '{b.GuardPath}').");
        Require(string.IsNullOrEmpty(b.ExportsFile) || (ExportsFileRule.IsValid(b.ExportsFile) && !string.IsNullOrEmpty(b.GuardPath)),
            $"ExportsFile must be empty (no exports file) or /etc/exports.d/NAME.exports with a GuardPath, which writes it (was '{b.ExportsFile}').");

        Require(b.NfsHelper != GaneshaHelper.Name || IsAbsoluteCommandPath(b.GaneshaPath),
            $"GaneshaPath must be an absolute path such as /usr/local/sbin/zfsportal-ganesha when NfsHelper is 'ganesha' (was '{b.GaneshaPath}').");

        Require(b.Pools.Count > 0, "Pools must list at least one ZFS pool on this host.");
        for (var p = 0; p < b.Pools.Count; p++)
        {
            Require(IsValid(() => ZfsNames.ValidatePool(b.Pools[p])), $"Pools:{p} '{b.Pools[p]}' is not a valid pool name.");
        }

        Require(IsValidPrefix(b.DatasetPrefix), $"DatasetPrefix '{b.DatasetPrefix}' may hold only letters, digits, '_', '.', ':' and '-'.");
        Require(IsValidPrefix(b.SnapshotPrefix), $"SnapshotPrefix '{b.SnapshotPrefix}' may hold only letters, digits, '_', '.', ':' and '-'.");
        foreach (var (property, value) in b.DatasetCreationOptions)
        {
            Require(IsValid(() => ZfsNames.ValidatePropertyName(property)) && IsValid(() => ZfsNames.ValidatePropertyValue(property, value)),
                $"DatasetCreationOptions:{property} must be a lower-case ZFS property with a value without spaces (was '{value}').");
        }
    }

    /// <summary>Absolute, and nothing a shell or sudo would read differently (the path itself is quoted anyway); the backend form checks the same.</summary>
    internal static bool IsAbsoluteCommandPath(string path) =>
        path.StartsWith('/') && path.Length > 1 && !path.EndsWith('/')
        && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '.' or '-');

    private static bool IsValidPrefix(string prefix) =>
        prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-') && !prefix.StartsWith('-');

    private static bool IsValid(Action check)
    {
        try
        {
            check();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
