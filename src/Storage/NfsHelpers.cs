namespace ZfsPortal.Storage;

/// <summary>The NFS helpers a backend may name, and the one place that picks a backend's.</summary>
internal static class NfsHelpers
{
    private static readonly (string Name, Func<INfsHost, INfsHelper> Create)[] Known =
    [
        (ExportfsHelper.Name, host => new ExportfsHelper(host)),
        (SharenfsHelper.Name, host => new SharenfsHelper(host)),
        (GaneshaHelper.Name, host => new GaneshaHelper(host)),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Known.Select(k => k.Name)];

    /// <summary>The names as a choice in a sentence: <c>'exportfs', 'sharenfs' or 'ganesha'</c> with <paramref name="quote"/> <c>'</c>.</summary>
    public static string OneOf(string quote = "")
    {
        var quoted = Names.Select(n => quote + n + quote).ToList();
        return quoted.Count == 1 ? quoted[0] : $"{string.Join(", ", quoted.SkipLast(1))} or {quoted[^1]}";
    }

    /// <exception cref="StorageHostException">The backend names a helper the portal does not know.</exception>
    public static INfsHelper For(BackendOptions backend, INfsHost host)
    {
        ArgumentNullException.ThrowIfNull(backend);
        foreach (var (name, create) in Known)
        {
            if (string.Equals(name, backend.NfsHelper, StringComparison.Ordinal))
            {
                return create(host);
            }
        }

        throw new StorageHostException(StorageFailure.NotSupported,
            $"Backend '{backend.Name}' names the NFS helper '{backend.NfsHelper}', which the portal does not know: use {OneOf("'")}.");
    }
}
