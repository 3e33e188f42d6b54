namespace ZfsPortal.Storage;

/// <summary>
/// Turns the stderr of common host-side setup mistakes into a sentence that says what to fix,
/// so an admin reading a failed operation does not have to know sudo's or zfs's wording.
/// </summary>
internal static class CommandFailureHints
{
    public static string For(int exitCode, string stderr, BackendOptions backend, IReadOnlyList<string> argv)
    {
        var command = argv.Count > 2 ? argv[2] : argv[0];
        if (HostGuard.Refused(exitCode, stderr))
        {
            // The guard names what it refused; what remains is whether the portal or the guard's config is behind.
            return $" The host's guard ({backend.GuardPath}) refused it, so nothing ran: it admits only the commands the portal sends, " +
                   $"on datasets of the pools and below the prefixes that {HostGuard.ConfigWords(backend)} lists. If the command is right " +
                   $"for backend '{backend.Name}', bring that file in line with the backend's Pools, DatasetPrefix and tool paths " +
                   "(scripts/storage-host.sh up writes it).";
        }

        if (Has(stderr, "a password is required") || Has(stderr, "a terminal is required"))
        {
            // sudo -n answers this both when the rule is missing and when the path is not the one the rule names.
            return $" The user '{backend.User}' may not run {command} through sudo without a password: check that the path is " +
                   $"right for this host, and that sudoers holds '{backend.User} ALL=(root) NOPASSWD: {command}' and " +
                   $"'Defaults:{backend.User} !requiretty'.";
        }

        if (Has(stderr, "is not allowed to execute") || Has(stderr, "is not in the sudoers"))
        {
            return $" sudo does not allow '{backend.User}' to run {command}: add it to that user's sudoers rule on the host.";
        }

        // sudo says "command not found" for a wrong zfs path; the shell exits 127 for a wrong sudo path.
        if (exitCode == 127 || Has(stderr, "command not found"))
        {
            var paths = string.IsNullOrEmpty(backend.GuardPath) ? "SudoPath and ZfsPath" : "SudoPath, GuardPath and ZfsPath";
            return $" A command path is wrong for this host: check {paths} of backend '{backend.Name}' (absolute paths as on the host).";
        }

        if (Has(stderr, "dataset is busy"))
        {
            return " Something on the host still uses the dataset (an NFS client or a process with files open); the portal retries, or try again later.";
        }

        if (Has(stderr, "out of space"))
        {
            return " The pool is full: free space or add capacity before retrying.";
        }

        return "";
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
