using System.Text;

namespace ZfsPortal.Storage;

/// <summary>
/// The one way text reaches a remote shell. SSH runs a command line through the login user's shell,
/// so every argument is quoted here, POSIX single-quote style, and nothing else builds command lines.
/// </summary>
public static class ShellQuote
{
    /// <summary>Quotes one argument so that a POSIX shell passes it through as exactly one word.</summary>
    /// <exception cref="ArgumentException">The argument contains a NUL character, which no argv can carry.</exception>
    public static string Quote(string arg) => Quote(arg, bareAssignmentAllowed: true);

    /// <summary>Quotes every argument and joins them with spaces into one command line.</summary>
    public static string Join(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("A command needs at least one word.", nameof(argv));
        }

        var line = new StringBuilder();
        for (var i = 0; i < argv.Count; i++)
        {
            if (i > 0)
            {
                line.Append(' ');
            }

            // A bare NAME=value in front of the command would be taken as a variable assignment,
            // so the first word is quoted whenever it holds '='.
            line.Append(Quote(argv[i], bareAssignmentAllowed: i > 0));
        }

        return line.ToString();
    }

    /// <summary>
    /// Joins two quoted commands into one pipeline, <c>FIRST | SECOND</c>, whose exit status is non-zero when
    /// EITHER side fails: SECOND's status when it failed, else FIRST's. Written for any POSIX sh (dash, bash,
    /// busybox), without bash's <c>pipefail</c>: FIRST's status travels through file descriptor 4 into a command
    /// substitution while SECOND's output goes to the real stdout through descriptor 3; both stderrs stay as they are.
    /// </summary>
    public static string Pipeline(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var left = Join(first);
        var right = Join(second);
        return "{ s=$( { { " + left + " 4>&-; echo $? >&4; } | " + right + " 4>&- >&3; } 4>&1 ); r=$?; } 3>&1; " +
               "[ \"$r\" = 0 ] || exit \"$r\"; [ \"$s\" = 0 ] || exit \"${s:-1}\"";
    }

    private static string Quote(string arg, bool bareAssignmentAllowed)
    {
        ArgumentNullException.ThrowIfNull(arg);
        if (arg.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell argument cannot contain a NUL character.", nameof(arg));
        }

        if (arg.Length == 0)
        {
            return "''";
        }

        if (arg.All(IsSafe) && (bareAssignmentAllowed || !arg.Contains('=', StringComparison.Ordinal)))
        {
            return arg;
        }

        // Inside single quotes nothing is special except the closing quote itself, which is written
        // as: close quote, escaped quote, reopen quote.
        return "'" + arg.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
    }

    // Characters no POSIX shell treats specially anywhere in a word (no globbing, expansion,
    // redirection, tilde or comment): [A-Za-z0-9_./:=@%+,-].
    private static bool IsSafe(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '_' or '.' or '/' or ':' or '=' or '@' or '%' or '+' or ',' or '-';
}
