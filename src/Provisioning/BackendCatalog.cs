using Microsoft.Extensions.Options;
using ZfsPortal.Storage;

namespace ZfsPortal.Provisioning;

/// <summary>The configured storage backends, by name.</summary>
public sealed class BackendCatalog(IOptions<StorageOptions> options)
{
    public IReadOnlyList<BackendOptions> All => options.Value.Backends;

    public BackendOptions Get(string name) =>
        All.FirstOrDefault(b => b.Name == name)
        ?? throw new InvalidOperationException($"Backend '{name}' is no longer configured; an admin must restore it in the portal's settings.");
}
