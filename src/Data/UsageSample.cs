namespace ZfsPortal.Data;

public enum UsageSubject { Share, Project }

/// <summary>
/// One point of a share's or a project's usage history, written from the health check's readings and thinned as it
/// ages (<c>Features/Usage/UsageHistory</c>), so each subject keeps a bounded number of rows.
/// </summary>
public sealed class UsageSample
{
    public long Id { get; set; }
    public UsageSubject Subject { get; set; }

    /// <summary>The share's or the project's id (no foreign key: a deleted share's history goes with a sweep, not a cascade).</summary>
    public Guid SubjectId { get; set; }

    /// <summary>When the reading was taken (UTC); a later reading in the same bucket replaces it.</summary>
    public DateTime At { get; set; }

    /// <summary>Bytes in use: a share's <c>used</c>, or the sum over a project's shares.</summary>
    public long UsedBytes { get; set; }

    /// <summary>Bytes it may hold: a share's refquota, or the sum of a project's share sizes (its gigabytes in use).</summary>
    public long SizeBytes { get; set; }
}
