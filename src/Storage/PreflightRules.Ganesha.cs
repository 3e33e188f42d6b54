namespace ZfsPortal.Storage;

// --- 9. NFS helper, when it is ganesha ---------------------------------------------------------------------

internal static partial class PreflightRules
{
    /// <summary>
    /// The ganesha helper's check from <c>sudo -n GANESHA check</c>: the program is there, sudo lets the user run it, the
    /// daemon runs and answers on D-Bus. Each failure names its fix.
    /// </summary>
    public static PreflightCheck Ganesha(BackendOptions b, CommandAnswer check)
    {
        if (check.ExitCode == 0 && check.Stdout.Split('\t') is ["ganesha", var version, var pid, var exports, ..])
        {
            return Passed(PreflightStep.NfsHelper, b,
                $"The ganesha helper {b.GaneshaPath} reaches NFS-Ganesha {version} ({pid}, serving {exports}).");
        }

        var said = Sentence(Or(check.Stderr, Or(check.Stdout, "no output")));
        var verdict = ClassifySudo(check.ExitCode, check.Stderr);
        var fix = verdict switch
        {
            SudoVerdict.NotAllowed or SudoVerdict.PasswordRequired or SudoVerdict.TtyRequired =>
                $"Add a sudoers rule on the host that names the program: `{b.User} ALL=(root) NOPASSWD: {b.GaneshaPath}` " +
                "(scripts/storage-host.sh up with ZFSPORTAL_NFS_HELPER=ganesha writes it).",
            _ when check.ExitCode == 127 || Has(said, "command not found") || Has(said, "No such file") =>
                $"Install the program at {b.GaneshaPath} (scripts/storage-host/zfsportal-ganesha, root-owned, mode 0755, with its " +
                "config), as scripts/storage-host.sh up with ZFSPORTAL_NFS_HELPER=ganesha does, or correct GaneshaPath.",
            _ => "Start NFS-Ganesha on the host (scripts/storage-host.sh up with ZFSPORTAL_NFS_HELPER=ganesha starts it in its own " +
                 "namespace), then check again.",
        };
        return Failed(PreflightStep.NfsHelper, b, $"`{b.GaneshaPath} check` failed (exit {check.ExitCode}): {said}.", fix);
    }
}
