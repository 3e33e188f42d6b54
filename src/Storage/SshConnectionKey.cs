namespace ZfsPortal.Storage;

/// <summary>
/// Identifies the connections of one backend. Everything that decides who we talk to and as whom is
/// part of it, so a changed host, user, key or pin gets fresh connections instead of trusting old ones.
/// </summary>
internal readonly record struct SshConnectionKey(
    string Name, string Host, int Port, string User, string PrivateKeyPath, string HostKeySha256)
{
    public static SshConnectionKey For(BackendOptions backend) => new(
        backend.Name, backend.Host, backend.Port, backend.User, backend.PrivateKeyPath,
        HostKeyPin.Normalize(backend.HostKeySha256));
}
