using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace ZfsPortal.Hosting;

/// <summary>
/// Hangfire keeps one log provider per process (<c>LogProvider.Current</c>), and each portal's AddHangfire sets it to
/// that portal's LoggerFactory. With several portals in one process (the tests), a portal that starts after the one
/// that set it was disposed asks a disposed factory for a logger, and its start fails. This provider answers such a
/// request with a logger that drops the message: a log line may be lost, the start is not. One portal per process (the
/// product) never meets it.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Dropped.Instance;
        }
    }

    private sealed class Dropped : ILog
    {
        public static readonly Dropped Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception exception) => false;
    }
}
