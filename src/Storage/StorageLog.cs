using Microsoft.Extensions.Logging;

namespace ZfsPortal.Storage;

/// <summary>Log messages of the storage boundary (source-generated, so logging costs nothing when off).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Opened SSH connection to backend {Backend} ({Host}:{Port}) in {ElapsedMs} ms")]
    public static partial void Connected(this ILogger logger, string backend, string host, int port, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not connect to backend {Backend}: {Reason}")]
    public static partial void ConnectFailed(this ILogger logger, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped SSH connection to backend {Backend}: {Reason}")]
    public static partial void Dropped(this ILogger logger, string backend, string reason);
}
