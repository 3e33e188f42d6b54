using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support.Fakes;

/// <summary>An <see cref="IHostCommandLog"/> that keeps every record, safe to fill from parallel commands.</summary>
public sealed class RecordingCommandLog : IHostCommandLog
{
    private readonly Lock _gate = new();
    private readonly List<HostCommandRecord> _records = [];

    public IReadOnlyList<HostCommandRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public void Add(HostCommandRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }
}
