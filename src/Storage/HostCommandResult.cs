namespace ZfsPortal.Storage;

/// <summary>What one host command produced; <see cref="Stderr"/> is already trimmed as recorded.</summary>
internal sealed record HostCommandResult(int ExitCode, string Stdout, string Stderr, HostCommandRecord Record);
