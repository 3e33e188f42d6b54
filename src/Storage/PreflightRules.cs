using System.Globalization;
using System.Net.Sockets;
using Renci.SshNet.Common;

namespace ZfsPortal.Storage;

/// <summary>What one preflight command answered (stderr already trimmed).</summary>
internal sealed record CommandAnswer(IReadOnlyList<string> Argv, int ExitCode, string Stdout, string Stderr);

/// <summary>How sudo treated one <c>sudo -n PATH …</c>.</summary>
internal enum SudoVerdict
{
    /// <summary>sudo ran the command (whatever the command itself then answered).</summary>
    Ran,

    /// <summary>"a password is required" (or "a terminal is required to read the password"): no NOPASSWD rule names it.</summary>
    PasswordRequired,

    /// <summary>"is not allowed to execute" / "is not in the sudoers file".</summary>
    NotAllowed,

    /// <summary>"sorry, you must have a tty to run sudo": requiretty.</summary>
    TtyRequired,

    /// <summary>The shell found no sudo at SudoPath (exit 127).</summary>
    SudoMissing,
}

/// <summary>
/// Turns what the host answered into preflight checks with plain-words details and exact fixes. Pure functions
/// of their inputs, so every wording is unit-tested without a host.
/// </summary>
internal static partial class PreflightRules
{
    public static string Name(PreflightStep step, BackendOptions b) => step switch
    {
        PreflightStep.Reachable => "Host reachable",
        PreflightStep.HostKey => "Host key pinned and matching",
        PreflightStep.Authenticated => "Key login accepted",
        PreflightStep.Sudo => "Sudo works without a tty",
        PreflightStep.Zfs => $"Program zfs found at {b.ZfsPath}",
        PreflightStep.Zpool => $"Program zpool found at {b.ZpoolPath}",
        PreflightStep.Exportfs => $"Program exportfs found at {b.ExportfsPath}",
        PreflightStep.Pools => "Pools present",
        PreflightStep.NfsHelper => "NFS helper works",
        PreflightStep.Dialect => "ZFS dialect",
        PreflightStep.Guard => string.IsNullOrEmpty(b.GuardPath) ? "Host guard" : $"Host guard at {b.GuardPath}",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    public static PreflightCheck Passed(PreflightStep step, BackendOptions b, string detail) => new(step, Name(step, b), CheckOutcome.Passed, detail, null);

    public static PreflightCheck Failed(PreflightStep step, BackendOptions b, string detail, string fix) => new(step, Name(step, b), CheckOutcome.Failed, detail, fix);

    public static PreflightCheck Skipped(PreflightStep step, BackendOptions b, string because) => new(step, Name(step, b), CheckOutcome.Skipped, because, null);

    /// <summary>"Not checked, because 'X' failed."</summary>
    public static string Because(PreflightStep failed, BackendOptions b) => $"Not checked, because '{Name(failed, b)}' failed.";

    // --- 1. Reachable ------------------------------------------------------------------------------------------

    /// <summary>Host and Port that cannot even be tried; null when they can.</summary>
    public static PreflightCheck? UnusableAddress(BackendOptions b)
    {
        if (string.IsNullOrWhiteSpace(b.Host))
        {
            return Failed(PreflightStep.Reachable, b, "The backend has no Host, so there is nothing to connect to.",
                "Set Host in the backend settings to the SSH address of the ZFS host (an IP address or a resolvable name).");
        }

        return b.Port is < 1 or > 65535
            ? Failed(PreflightStep.Reachable, b, $"Port {b.Port} is not a TCP port.",
                "Set Port in the backend settings to the port sshd listens on (1-65535; 22 unless the host's sshd_config says otherwise).")
            : null;
    }

    public static PreflightCheck Reachable(BackendOptions b, string? identification, Exception? error, bool timedOut)
    {
        var where = $"{b.Host}:{b.Port}";
        if (identification is not null)
        {
            return Passed(PreflightStep.Reachable, b, $"{where} answers as an SSH server ({identification}).");
        }

        error ??= new SshConnectionException("no SSH identification received");
        return error switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => Failed(PreflightStep.Reachable, b,
                $"Nothing accepts connections at {where} (connection refused).",
                $"Check that sshd runs on the host and listens on {where} (Port and ListenAddress in its sshd_config), " +
                "that Host and Port in the backend settings are right, and that no firewall rejects the port."),
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => Failed(PreflightStep.Reachable, b,
                $"The host name '{b.Host}' does not resolve ({Sentence(error.Message)}).",
                "Correct Host in the backend settings (an IP address or a name the portal machine can resolve), or fix DNS on the portal machine."),
            _ when timedOut => Failed(PreflightStep.Reachable, b,
                $"{where} did not answer within {b.ConnectTimeoutSeconds} s.",
                $"Check that Host and Port in the backend settings are right, that the host is up, and that no firewall drops traffic to port {b.Port}; " +
                "raise ConnectTimeoutSeconds only if the network is known to be that slow."),
            SocketException socket => Failed(PreflightStep.Reachable, b,
                $"Cannot reach {where}: {Sentence(socket.Message)} ({socket.SocketErrorCode}).",
                "Check the network path from the portal to the host (address, route, firewall) and Host and Port in the backend settings."),
            _ => Failed(PreflightStep.Reachable, b,
                $"{where} accepted the connection but did not answer as an SSH server ({Sentence(error.Message)}).",
                "Check that Port is the port sshd listens on (not another service), and read the host's sshd log."),
        };
    }

    // --- 2. Host key -------------------------------------------------------------------------------------------

    public static PreflightCheck HostKey(BackendOptions b, PresentedHostKey? presented, bool matchesPin, Exception? error, bool timedOut)
    {
        if (presented is null)
        {
            return Failed(PreflightStep.HostKey, b,
                timedOut
                    ? $"The SSH handshake did not reach the host key within {b.ConnectTimeoutSeconds} s."
                    : $"The SSH handshake stopped before the host presented its key ({Why(error, "no reason given")}).",
                "Read the host's sshd log; the portal accepts ed25519, ECDSA and RSA (rsa-sha2) host keys.");
        }

        var fp = presented.Sha256Fingerprint;
        var keyFile = $"/etc/ssh/{HostKeyFile(presented.KeyType)}";
        var pin = HostKeyPin.Normalize(b.HostKeySha256);
        if (matchesPin)
        {
            return Passed(PreflightStep.HostKey, b, $"The host presents its {presented.KeyType} key SHA256:{fp}, which matches the pinned fingerprint.");
        }

        if (pin.Length == 0)
        {
            return Failed(PreflightStep.HostKey, b,
                $"The host presents an {presented.KeyType} key with fingerprint SHA256:{fp}, but no fingerprint is pinned for this backend, " +
                "so the portal will not trust it.",
                $"Pin it in the backend settings after comparing it with `ssh-keygen -lf {keyFile}` on the host " +
                $"(or the HostKey file its sshd_config names): if that prints SHA256:{fp}, set HostKeySha256 to {fp}.");
        }

        var malformed = HostKeyPin.IsWellFormed(pin) ? "" : " (which is not even a SHA-256 fingerprint)";
        return Failed(PreflightStep.HostKey, b,
            $"The host presents an {presented.KeyType} key with fingerprint SHA256:{fp}, but the backend pins SHA256:{pin}{malformed}.",
            $"Run `ssh-keygen -lf {keyFile}` on the host. If it prints SHA256:{fp}, the host was reinstalled or re-keyed: pin the new " +
            $"fingerprint in the backend settings (HostKeySha256 = {fp}). If it prints SHA256:{pin}, something between the portal and " +
            "the host answers in its place: keep the pin and find out what it is.");
    }

    /// <summary>The public key file OpenSSH keeps a host key of this type in.</summary>
    public static string HostKeyFile(string keyType) => keyType switch
    {
        _ when keyType.Contains("ed25519", StringComparison.Ordinal) => "ssh_host_ed25519_key.pub",
        _ when keyType.Contains("ecdsa", StringComparison.Ordinal) => "ssh_host_ecdsa_key.pub",
        _ when keyType.Contains("rsa", StringComparison.Ordinal) => "ssh_host_rsa_key.pub",
        _ => "ssh_host_*_key.pub",
    };

    // --- 3. Authenticated --------------------------------------------------------------------------------------

    /// <summary>Why the private key file cannot be used, as (detail, fix).</summary>
    public static (string Detail, string Fix) KeyFileProblem(BackendOptions b, Exception? error)
    {
        var path = b.PrivateKeyPath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return ("The backend has no PrivateKeyPath, so the portal has no key to log in with.",
                "Set PrivateKeyPath in the backend settings to the portal's private key file (`ssh-keygen -t ed25519 -N '' -f FILE` makes one; " +
                $"its FILE.pub goes into ~{b.User}/.ssh/authorized_keys on the host).");
        }

        return error switch
        {
            FileNotFoundException or DirectoryNotFoundException => (
                $"The private key file {path} does not exist on the portal machine.",
                $"Put the portal's private key at {path}, or correct PrivateKeyPath in the backend settings " +
                $"(`ssh-keygen -t ed25519 -N '' -f {path}` makes a new one; then add {path}.pub to ~{b.User}/.ssh/authorized_keys on the host)."),
            UnauthorizedAccessException => (
                $"The private key file {path} is not readable by the portal, which runs as '{Environment.UserName}'.",
                $"Let that user read it and nobody else: `chown {Environment.UserName} {path} && chmod 600 {path}`."),
            SshPassPhraseNullOrEmptyException => (
                $"The private key file {path} is protected by a passphrase, which the portal cannot type.",
                $"Remove the passphrase (`ssh-keygen -p -N '' -f {path}`) and keep the file readable only by the portal's user, or point PrivateKeyPath at an unencrypted key."),
            _ => (
                $"The file {path} is not a private key the portal can read ({Why(error, "unknown format")}).",
                "PrivateKeyPath must name an unencrypted OpenSSH or PEM private key (such as one made by `ssh-keygen -t ed25519 -N ''`), not the .pub file."),
        };
    }

    public static PreflightCheck Authenticated(BackendOptions b, Exception? error, bool timedOut)
    {
        if (error is null)
        {
            return Passed(PreflightStep.Authenticated, b, $"Logged in as '{b.User}' with the key {b.PrivateKeyPath}.");
        }

        var addKey =
            $"Add the portal's public key (`ssh-keygen -y -f {b.PrivateKeyPath}` prints it) to ~{b.User}/.ssh/authorized_keys on the host " +
            $"(the file mode 600 and ~/.ssh mode 700, both owned by {b.User}). If it is there already, the account may be locked: with " +
            $"`UsePAM no`, sshd refuses even key logins to an account whose password is locked ('!' in /etc/shadow); `usermod -p '*' {b.User}` " +
            "unlocks it without giving it a password. The host's sshd log says which it is (also check AllowUsers in its sshd_config).";
        return error switch
        {
            SshAuthenticationException => Failed(PreflightStep.Authenticated, b,
                $"The host refused the key {b.PrivateKeyPath} for user '{b.User}' ({Sentence(error.Message)}).", addKey),
            _ when timedOut => Failed(PreflightStep.Authenticated, b,
                $"Logging in as '{b.User}' did not finish within {b.ConnectTimeoutSeconds} s.",
                "Read the host's sshd log (a slow name lookup with `UseDNS yes` or an overloaded host are common causes). " + addKey),
            _ => Failed(PreflightStep.Authenticated, b,
                $"The host closed the connection while the portal logged in as '{b.User}' ({Sentence(error.Message)}).", addKey),
        };
    }

    // --- 4. sudo -----------------------------------------------------------------------------------------------

    public static SudoVerdict ClassifySudo(int exitCode, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (Has(stderr, "must have a tty"))
        {
            return SudoVerdict.TtyRequired;
        }

        if (Has(stderr, "a password is required") || Has(stderr, "a terminal is required"))
        {
            return SudoVerdict.PasswordRequired;
        }

        if (Has(stderr, "is not allowed to execute") || Has(stderr, "is not in the sudoers file") || Has(stderr, "not allowed to run sudo"))
        {
            return SudoVerdict.NotAllowed;
        }

        // sudo itself exits 1 for a missing command; 127 is the login shell not finding sudo.
        return exitCode == 127 ? SudoVerdict.SudoMissing : SudoVerdict.Ran;
    }

    /// <summary>The sudoers line that allows exactly the backend's guard, or without one its three commands.</summary>
    public static string SudoersRule(BackendOptions b) => string.IsNullOrEmpty(b.GuardPath)
        ? $"{b.User} ALL=(root) NOPASSWD: {b.ZfsPath}, {b.ZpoolPath}, {b.ExportfsPath}"
        : $"{b.User} ALL=(root) NOPASSWD: {b.GuardPath}";

    public static string NoRequiretty(BackendOptions b) => $"Defaults:{b.User} !requiretty";

    /// <summary>The sudo check from the answers to the zfs, zpool and exportfs commands (keyed by their step).</summary>
    public static PreflightCheck Sudo(BackendOptions b, IReadOnlyDictionary<PreflightStep, CommandAnswer> answers)
    {
        var verdicts = answers.ToDictionary(a => a.Key, a => ClassifySudo(a.Value.ExitCode, a.Value.Stderr));
        var ran = verdicts.Where(v => v.Value == SudoVerdict.Ran).Select(v => PathOf(v.Key, b)).ToList();
        var refused = verdicts.Where(v => v.Value != SudoVerdict.Ran).ToList();
        if (refused.Count == 0)
        {
            var what = string.IsNullOrEmpty(b.GuardPath) ? Join(ran) : $"the guard {b.GuardPath} (for {Join(ran)})";
            return Passed(PreflightStep.Sudo, b,
                $"sudo -n ran {what} as root for '{b.User}' without asking for a password or a terminal.");
        }

        string Said(SudoVerdict verdict) => answers[refused.First(r => r.Value == verdict).Key].Stderr;
        if (refused.Any(r => r.Value == SudoVerdict.SudoMissing))
        {
            return Failed(PreflightStep.Sudo, b,
                $"There is no sudo at {b.SudoPath} on the host ({Sentence(Said(SudoVerdict.SudoMissing))}).",
                $"Install sudo on the host (`apt-get install sudo`), or set SudoPath in the backend settings to where it is (`command -v sudo` on the host).");
        }

        var drop = $"Add a sudoers drop-in on the host, e.g. /etc/sudoers.d/zfsportal (mode 0440, owned by root; check it with `visudo -cf FILE`), " +
                   $"with exactly these lines: `{NoRequiretty(b)}` and `{SudoersRule(b)}`.";
        if (refused.All(r => r.Value == SudoVerdict.TtyRequired))
        {
            return Failed(PreflightStep.Sudo, b,
                $"sudo refuses to run commands for '{b.User}' without a terminal, as over SSH (requiretty): {Sentence(Said(SudoVerdict.TtyRequired))}.",
                $"Add `{NoRequiretty(b)}` to {b.User}'s sudoers drop-in on the host (check it with `visudo -cf FILE`).");
        }

        // Through a guard, sudo refuses (or runs) the guard, whichever tool it was to run.
        var refusedPaths = string.IsNullOrEmpty(b.GuardPath) ? refused.Select(r => PathOf(r.Key, b)).ToList() : [b.GuardPath];
        var words = refused.Where(r => r.Value != SudoVerdict.TtyRequired).Select(r => answers[r.Key].Stderr).First();
        var detail = $"sudo -n refused to run {Join(refusedPaths)} for '{b.User}' ({Sentence(words)}).";
        if (refused.Any(r => r.Value == SudoVerdict.TtyRequired))
        {
            detail += " It also demands a terminal (requiretty).";
        }

        if (ran.Count > 0)
        {
            // Some commands ran, so a rule exists: a path that differs from the rule's is as likely as a missing entry.
            detail += $" It did run {Join(ran)}.";
            drop += $" If {Join(refusedPaths)} is not where this host has that command, correct the path in the backend settings " +
                    "instead: sudo only allows the exact absolute path the rule names.";
        }

        return Failed(PreflightStep.Sudo, b, detail, drop);
    }

    /// <summary>True when sudo refused (or could not run) this command, so the checks of the command itself are skipped.</summary>
    public static bool SudoRefused(CommandAnswer answer) => ClassifySudo(answer.ExitCode, answer.Stderr) != SudoVerdict.Ran;

    // --- 5-7. zfs, zpool, exportfs found -----------------------------------------------------------------------

    public static PreflightCheck Found(PreflightStep step, BackendOptions b, CommandAnswer answer)
    {
        var path = PathOf(step, b);
        var tool = step switch { PreflightStep.Zfs => "zfs", PreflightStep.Zpool => "zpool", _ => "exportfs" };
        var setting = step switch { PreflightStep.Zfs => "ZfsPath", PreflightStep.Zpool => "ZpoolPath", _ => "ExportfsPath" };
        if (SudoRefused(answer))
        {
            return Skipped(step, b, $"Not checked: sudo did not run {path} (see '{Name(PreflightStep.Sudo, b)}').");
        }

        if (GuardProblem(step, b, answer, setting) is { } guard)
        {
            return guard;
        }

        if (Has(answer.Stderr, "command not found"))
        {
            var install = step == PreflightStep.Exportfs
                ? "Install the NFS server on the host (Debian: nfs-kernel-server; RHEL: nfs-utils)"
                : "Install ZFS on the host (Debian: zfsutils-linux for OpenZFS, or zfs-fuse)";
            return Failed(step, b, $"There is no {tool} at {path} on the host ({Sentence(answer.Stderr)}).",
                $"{install}, or set {setting} in the backend settings to where {tool} is (`command -v {tool}` on the host); " +
                $"the sudoers rule must name the same absolute path ({SudoersRule(b)}).");
        }

        if (Has(answer.Stderr, "unable to execute") || Has(answer.Stderr, "Permission denied"))
        {
            return Failed(step, b, $"{path} exists on the host but cannot be run ({Sentence(answer.Stderr)}).",
                $"Check that {path} is the {tool} program and executable (`ls -l {path}` on the host), or correct {setting} in the backend settings.");
        }

        var answered = step switch
        {
            PreflightStep.Zfs => answer.ExitCode == 0 || Has(answer.Stderr, "unrecognized command"),
            _ => answer.ExitCode == 0,
        };
        if (answered)
        {
            return Passed(step, b, step switch
            {
                PreflightStep.Zfs => $"{path} answers (`zfs version`: {FirstLine(answer.ExitCode == 0 ? answer.Stdout : answer.Stderr)}).",
                PreflightStep.Zpool => $"{path} answers; the host has {PoolList(Lines(answer.Stdout))}.",
                _ => $"{path} answers (`exportfs -v`).",
            });
        }

        var fix = step == PreflightStep.Exportfs
            ? $"Check the NFS server on the host (nfs-kernel-server installed, /var/lib/nfs writable); `sudo -n {path} -v` as {b.User} on the host shows the problem."
            : ZfsNotRunning(answer.Stderr)
                ? "Start ZFS on the host: the zfs-fuse daemon (`zfs-fuse`), or the OpenZFS kernel module (`modprobe zfs`)."
                : $"Run `sudo -n {ShellQuote.Join(answer.Argv.Skip(2).ToList())}` as {b.User} on the host to see the problem, and fix it there.";
        return Failed(step, b, $"{path} is there but failed (exit {answer.ExitCode}): {Sentence(Or(answer.Stderr, "no error output"))}.", fix);
    }

    // sudo says "GUARD: command not found" when the guard is not installed; a guard that does not run this path refuses it.
    private static PreflightCheck? GuardProblem(PreflightStep step, BackendOptions b, CommandAnswer answer, string setting)
    {
        if (string.IsNullOrEmpty(b.GuardPath))
        {
            return null;
        }

        if (Has(answer.Stderr, "command not found") && answer.Stderr.Contains(b.GuardPath, StringComparison.Ordinal))
        {
            return Failed(step, b, $"There is no guard at {b.GuardPath} on the host ({Sentence(answer.Stderr)}).",
                GuardInstallFix(b) + " Or correct GuardPath in the backend settings.");
        }

        return HostGuard.Refused(answer.ExitCode, answer.Stderr)
            ? Failed(step, b, $"The guard at {b.GuardPath} refused `{ShellQuote.Join(new ZfsCommands(b).Shown(answer.Argv))}`: {HostGuard.Reason(answer.Stderr)}.",
                $"Set {setting} in the backend settings to the path the guard runs, or correct that path in {HostGuard.ConfigWords(b)}.")
            : null;
    }

    private static bool ZfsNotRunning(string stderr) =>
        Has(stderr, "daemon is running") || Has(stderr, "failed to initialize") || Has(stderr, "modules are not loaded") || Has(stderr, "/dev/zfs");

    // --- 8. Pools ----------------------------------------------------------------------------------------------

    /// <summary>
    /// The pools check from the answer to <c>zfs get -H -p -o name,property,value available,used POOL…</c>, and the
    /// capacity of the pools found. <paramref name="hostPools"/> (from <c>zpool list</c>, when it answered) names the
    /// pools the host has, for the fix.
    /// </summary>
    public static (PreflightCheck Check, IReadOnlyList<PoolCapacity> Found) Pools(
        BackendOptions b, CommandAnswer answer, IReadOnlyList<string>? hostPools)
    {
        if (HostGuard.Refused(answer.ExitCode, answer.Stderr))
        {
            return (Failed(PreflightStep.Pools, b, $"The guard at {b.GuardPath} refused to read the pools: {HostGuard.Reason(answer.Stderr)}.",
                $"List {string.Join(", ", b.Pools)} on the POOLS line of {HostGuard.ConfigWords(b)} (scripts/storage-host.sh up writes it), " +
                "or correct the backend's pool list."), []);
        }

        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> rows;
        try
        {
            rows = ZfsGetParser.Parse(answer.Stdout);
        }
        catch (FormatException ex)
        {
            return (Failed(PreflightStep.Pools, b, $"`zfs get` printed output the portal cannot read ({Sentence(ex.Message)}).",
                "Set ZfsDialect explicitly and compare the host's `zfs get -H -p -o name,property,value available,used POOL` with the " +
                "name<TAB>property<TAB>value lines the portal reads."), []);
        }

        var found = new List<PoolCapacity>();
        var missing = new List<string>();
        foreach (var pool in b.Pools)
        {
            if (Capacity(rows, pool) is { } capacity)
            {
                found.Add(capacity);
            }
            else
            {
                missing.Add(pool);
            }
        }

        if (missing.Count == 0 && answer.ExitCode == 0)
        {
            return (Passed(PreflightStep.Pools, b, $"Every pool answers: {string.Join("; ", found.Select(Describe))}."), found);
        }

        if (missing.Count == 0)
        {
            return (Failed(PreflightStep.Pools, b,
                $"`zfs get available,used` failed (exit {answer.ExitCode}): {Sentence(Or(answer.Stderr, "no error output"))}.",
                $"Run `sudo -n {ShellQuote.Join(answer.Argv.Skip(2).ToList())}` as {b.User} on the host to see the problem, and fix it there."), found);
        }

        var detail = $"Not found on the host: {string.Join(", ", missing)}";
        detail += answer.Stderr.Length > 0 ? $" (zfs: {Sentence(answer.Stderr.Replace('\n', ' '))})." : ".";
        if (found.Count > 0)
        {
            detail += $" Present: {string.Join("; ", found.Select(Describe))}.";
        }

        var them = missing.Count == 1 ? $"pool {missing[0]}" : $"pools {string.Join(", ", missing)}";
        var fix = $"Create or import {them} on the host (`zpool import NAME` when its disks are attached but not imported, otherwise " +
                  "`zpool create NAME …`), or correct the backend's pool list.";
        if (hostPools is not null)
        {
            fix += $" The host has {PoolList(hostPools)}.";
        }

        return (Failed(PreflightStep.Pools, b, detail, fix), found);
    }

    /// <summary>The capacity of <paramref name="pool"/> from parsed <c>zfs get</c> rows; null when it is not there or not numeric.</summary>
    public static PoolCapacity? Capacity(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> rows, string pool) =>
        rows.TryGetValue(pool, out var values)
        && values.TryGetValue("available", out var available) && long.TryParse(available, NumberStyles.None, CultureInfo.InvariantCulture, out var availableBytes)
        && values.TryGetValue("used", out var used) && long.TryParse(used, NumberStyles.None, CultureInfo.InvariantCulture, out var usedBytes)
            ? new PoolCapacity(pool, availableBytes, usedBytes)
            : null;

    // --- 9. NFS helper -----------------------------------------------------------------------------------------

    /// <summary>
    /// The exportfs helper's exports file (issue 11): without one, the kernel's table is all there is, and a reboot or
    /// <c>exportfs -ra</c> loses every export; with one, the guard must be able to read it (<paramref name="show"/>). Null when it can.
    /// </summary>
    public static PreflightCheck? ExportsFile(BackendOptions b, CommandAnswer? show)
    {
        const string ScriptFix = "scripts/storage-host.sh up sets this up on a host it manages.";
        if (string.IsNullOrEmpty(b.ExportsFile) || string.IsNullOrEmpty(b.GuardPath))
        {
            return Failed(PreflightStep.NfsHelper, b,
                "The exportfs helper writes only the kernel's export table, which the host's NFS service rebuilds from /etc/exports and " +
                "/etc/exports.d at a reboot or `exportfs -ra`: every export the portal made would be gone while its rules read active.",
                "Install the host guard, add the line EXPORTS_FILE=/etc/exports.d/zfsportal.exports to its config, create /etc/exports.d, " +
                $"and set GuardPath and ExportsFile (that path) in the backend settings. {ScriptFix}");
        }

        if (show is null || show.ExitCode == 0)
        {
            return null;
        }

        return Failed(PreflightStep.NfsHelper, b,
            $"The guard cannot keep the exports file {b.ExportsFile} (`{b.ExportsFile} show` answered exit {show.ExitCode}: {Sentence(show.Stderr)}).",
            $"Add the line EXPORTS_FILE={b.ExportsFile} to the guard's config on the host (one file per backend: two backends never share one) " +
            $"and make sure /etc/exports.d exists. {ScriptFix}");
    }

    /// <summary>
    /// The NFS helper check. Both helpers read the export table back (<c>exportfs -v</c>, parsed as the portal parses it);
    /// the sharenfs helper also needs the property readable (<paramref name="sharenfs"/>, from the first present pool).
    /// </summary>
    public static PreflightCheck NfsHelper(BackendOptions b, CommandAnswer exportfs, CommandAnswer? sharenfs, string? sharenfsPool, ZfsDialect? dialect,
        CommandAnswer? exportsFile = null)
    {
        int entries;
        try
        {
            entries = ExportfsTable.Parse(exportfs.Stdout).Count;
        }
        catch (FormatException ex)
        {
            return Failed(PreflightStep.NfsHelper, b, $"`exportfs -v` printed a line the portal cannot read ({Sentence(ex.Message)}).",
                "The portal reads `exportfs -v` as PATH<TAB>CLIENT(options) lines (as nfs-utils 1.3 to 2.6 print them); " +
                $"compare the host's output (`sudo -n {b.ExportfsPath} -v`) and report the difference.");
        }

        if (!string.Equals(b.NfsHelper, "sharenfs", StringComparison.Ordinal))
        {
            return ExportsFile(b, exportsFile) ?? Passed(PreflightStep.NfsHelper, b,
                $"The exportfs helper can read the host's export table (`exportfs -v`, entries: {entries}) " +
                $"and keeps its exports in {b.ExportsFile} for reboots and `exportfs -ra`.");
        }

        if (sharenfs is null || sharenfsPool is null)
        {
            return Skipped(PreflightStep.NfsHelper, b, $"Not checked: the sharenfs helper needs a pool to read, and '{Name(PreflightStep.Pools, b)}' found none.");
        }

        string? value = null;
        try
        {
            if (sharenfs.ExitCode == 0 && ZfsGetParser.Parse(sharenfs.Stdout).TryGetValue(sharenfsPool, out var values))
            {
                values.TryGetValue("sharenfs", out value);
            }
        }
        catch (FormatException)
        {
            value = null;
        }

        if (value is null)
        {
            return Failed(PreflightStep.NfsHelper, b,
                $"The sharenfs property of {sharenfsPool} could not be read (exit {sharenfs.ExitCode}: {Sentence(Or(sharenfs.Stderr, "no usable output"))}).",
                $"Run `sudo -n {ShellQuote.Join(sharenfs.Argv.Skip(2).ToList())}` as {b.User} on the host to see the problem, " +
                "or use the exportfs helper (NfsHelper = exportfs) for this backend.");
        }

        var syntax = dialect switch
        {
            ZfsDialect.ZfsFuse => "zfs-fuse syntax: space-separated client:options entries, e.g. '192.0.2.5:rw,root_squash 198.51.100.0/24:ro', IPv4 only",
            ZfsDialect.OpenZfs => "OpenZFS syntax: rw=/ro= host lists with options shared by all hosts, e.g. 'rw=192.0.2.5:@198.51.100.0/24,root_squash'",
            _ => "syntax unknown until the dialect is known",
        };
        return Passed(PreflightStep.NfsHelper, b,
            $"The sharenfs helper can read sharenfs of {sharenfsPool} ('{value}') and the export table (entries: {entries}); " +
            $"values are written in {syntax}.");
    }

    // --- 10. Dialect -------------------------------------------------------------------------------------------

    /// <summary>The dialect check from the answer to <c>zfs version</c>, and the dialect to use (null when unknown).</summary>
    public static (PreflightCheck Check, ZfsDialect? Dialect) Dialect(BackendOptions b, CommandAnswer version)
    {
        ZfsDialect? configured;
        try
        {
            configured = ZfsDialects.FromOption(b.ZfsDialect);
        }
        catch (ArgumentException ex)
        {
            return (Failed(PreflightStep.Dialect, b, Sentence(ex.Message) + ".", "Set ZfsDialect in the backend settings to 'auto', 'zfs-fuse' or 'openzfs'."), null);
        }

        var probed = ZfsDialects.FromVersionProbe(version.ExitCode, version.Stderr);
        var openZfs = $"OpenZFS {FirstLine(version.Stdout)}";
        const string zfsFuse = "zfs-fuse (its zfs has no `version` command, as in zfs-fuse 0.7)";
        switch (configured, probed)
        {
            case (null, null):
                return (Failed(PreflightStep.Dialect, b,
                    $"`zfs version` answered neither as OpenZFS nor as zfs-fuse does (exit {version.ExitCode}: {Sentence(Or(version.Stderr, "no error output"))}).",
                    "Set ZfsDialect in the backend settings to 'openzfs' or 'zfs-fuse'."), null);
            case (null, ZfsDialect.OpenZfs):
                return (Passed(PreflightStep.Dialect, b, $"{openZfs}, detected by `zfs version`."), ZfsDialect.OpenZfs);
            case (null, ZfsDialect.ZfsFuse):
                return (Passed(PreflightStep.Dialect, b,
                    $"{zfsFuse}, detected by `zfs version`. OpenZFS before 0.8 answers the same way: set ZfsDialect to 'openzfs' for such a host."),
                    ZfsDialect.ZfsFuse);
            case (ZfsDialect.ZfsFuse, ZfsDialect.OpenZfs):
                return (Failed(PreflightStep.Dialect, b, $"The host runs {openZfs}, but ZfsDialect is set to 'zfs-fuse'.",
                    "Set ZfsDialect in the backend settings to 'openzfs' (or 'auto')."), ZfsDialect.OpenZfs);
            case (ZfsDialect.OpenZfs, not ZfsDialect.OpenZfs):
                return (Passed(PreflightStep.Dialect, b,
                    "OpenZFS, as ZfsDialect says (the host's zfs has no `version` command, which fits OpenZFS before 0.8)."), ZfsDialect.OpenZfs);
            default:
                return (Passed(PreflightStep.Dialect, b,
                    $"{(configured == ZfsDialect.OpenZfs ? openZfs : zfsFuse)}, as ZfsDialect says."), configured);
        }
    }

    // --- 11. Guard ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The guard check from two dry commands through it: <paramref name="forbidden"/> (<c>zpool destroy</c> of a pool no host has)
    /// must be refused, and <paramref name="allowed"/> (<c>zfs get</c> of an absent dataset below the prefix, null when there is no
    /// pool to name) must be let through, whatever zfs then answers.
    /// </summary>
    public static PreflightCheck Guard(BackendOptions b, CommandAnswer? forbidden, CommandAnswer? allowed)
    {
        if (string.IsNullOrEmpty(b.GuardPath) || forbidden is null)
        {
            return Failed(PreflightStep.Guard, b,
                $"The backend has no GuardPath, so sudo runs {b.ZfsPath}, {b.ZpoolPath} and {b.ExportfsPath} with any arguments: whoever " +
                "holds the portal's key can destroy every pool on the host or mount a dataset over /etc.",
                GuardInstallFix(b) + " Then set GuardPath in the backend settings to that path.");
        }

        if (!HostGuard.Refused(forbidden.ExitCode, forbidden.Stderr))
        {
            return Failed(PreflightStep.Guard, b,
                $"{b.GuardPath} did not refuse `zpool destroy {HostGuard.ProbePool}` (exit {forbidden.ExitCode}: " +
                $"{Sentence(Or(forbidden.Stderr, Or(forbidden.Stdout, "no output")))}), so it is not the ZfsPortal guard.",
                GuardInstallFix(b) + " Or correct GuardPath in the backend settings.");
        }

        var refused = HostGuard.Reason(forbidden.Stderr);
        if (allowed is null)
        {
            return Passed(PreflightStep.Guard, b, $"{b.GuardPath} refuses `zpool destroy` ({refused}); with no pool listed, the prefix was not tried.");
        }

        var target = allowed.Argv[^1];
        if (HostGuard.Refused(allowed.ExitCode, allowed.Stderr))
        {
            return Failed(PreflightStep.Guard, b,
                $"The guard refuses the portal's own commands on this backend: reading {target} was refused ({HostGuard.Reason(allowed.Stderr)}).",
                $"Bring {HostGuard.ConfigWords(b)} in line with the backend (its pools on POOLS, '{b.DatasetPrefix}' on DATASET_PREFIXES; " +
                "scripts/storage-host.sh up writes it), or correct Pools and DatasetPrefix in the backend settings.");
        }

        return Passed(PreflightStep.Guard, b,
            $"{b.GuardPath} refuses `zpool destroy` ({refused}) and lets the portal's commands on {target[..^HostGuard.ProbeDatasetSuffix.Length]}… through.");
    }

    private static string GuardInstallFix(BackendOptions b)
    {
        var guard = string.IsNullOrEmpty(b.GuardPath) ? "/usr/local/sbin/zfsportal-guard" : b.GuardPath;
        return "Install the guard on the host, as scripts/storage-host.sh up does: scripts/storage-host/zfsportal-guard as " +
               "/usr/local/sbin/zfsportal-guard (root-owned, mode 0755) with its config /etc/zfsportal-guard.conf (the pools, dataset " +
               $"prefixes, the pools' mount points and the tool paths), and a sudoers rule that names only it (`{b.User} ALL=(root) NOPASSWD: " +
               $"{guard}`).";
    }

    public static string? OptionName(ZfsDialect? dialect) => dialect switch
    {
        ZfsDialect.ZfsFuse => ZfsDialects.ZfsFuse,
        ZfsDialect.OpenZfs => ZfsDialects.OpenZfs,
        _ => null,
    };

    // --- words -------------------------------------------------------------------------------------------------

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    private static string Describe(PoolCapacity p) => $"{p.Pool}: {Bytes(p.AvailableBytes)} available, {Bytes(p.UsedBytes)} used";

    private static string PathOf(PreflightStep step, BackendOptions b) => step switch
    {
        PreflightStep.Zfs => b.ZfsPath,
        PreflightStep.Zpool => b.ZpoolPath,
        _ => b.ExportfsPath,
    };

    private static string PoolList(IReadOnlyList<string> pools) =>
        pools.Count == 0 ? "no pools" : (pools.Count == 1 ? "the pool " : "the pools ") + string.Join(", ", pools);

    public static IReadOnlyList<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string FirstLine(string text) => Lines(text) is [var first, ..] ? first : "no output";

    private static string Join(List<string> items) => items.Count switch
    {
        0 => "nothing",
        1 => items[0],
        2 => $"{items[0]} and {items[1]}",
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}",
    };

    private static string Or(string text, string otherwise) => text.Length > 0 ? text : otherwise;

    /// <summary>One line, no trailing period (the caller punctuates).</summary>
    private static string Sentence(string text) => string.Join(' ', Lines(text)).TrimEnd('.');

    private static string Why(Exception? error, string unknown) => Sentence(error?.Message ?? unknown);

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
