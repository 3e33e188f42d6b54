using System.Collections.Concurrent;
using Microsoft.Extensions.Localization;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// Wraps the app's <see cref="IStringLocalizerFactory"/> and remembers every lookup that found no resource,
/// as "Resource: key", so a test can say which text of which component has no translation.
/// </summary>
public sealed class MissingTextRecorder(IStringLocalizerFactory inner) : IStringLocalizerFactory
{
    private readonly ConcurrentDictionary<string, byte> _misses = new();

    public IReadOnlyList<string> Misses => [.. _misses.Keys.Order(StringComparer.Ordinal)];

    public IStringLocalizer Create(Type resourceSource) => new Recording(inner.Create(resourceSource), resourceSource.Name, this);

    public IStringLocalizer Create(string baseName, string location) => new Recording(inner.Create(baseName, location), baseName, this);

    private void Check(LocalizedString found, string resource)
    {
        if (found.ResourceNotFound)
            _misses.TryAdd($"{resource}: {found.Name}", 0);
    }

    private sealed class Recording(IStringLocalizer inner, string resource, MissingTextRecorder recorder) : IStringLocalizer
    {
        public LocalizedString this[string name] => Seen(inner[name]);

        public LocalizedString this[string name, params object[] arguments] => Seen(inner[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);

        private LocalizedString Seen(LocalizedString found)
        {
            recorder.Check(found, resource);
            return found;
        }
    }
}
