using ZfsPortal.Data;

namespace ZfsPortal.Features.Quotas;

/// <summary>Quota arithmetic for new requests; each refusal is a sentence that says what to do.</summary>
public static class QuotaCheck
{
    public static bool IsUnlimited(int limit) => limit < 0;

    /// <summary>Null when a new share of <paramref name="sizeGiB"/> fits the project's quotas.</summary>
    public static string? RefuseNewShare(QuotaLimits limits, QuotaUsage usage, int sizeGiB)
    {
        if (!IsUnlimited(limits.PerShareGigabytes) && sizeGiB > limits.PerShareGigabytes)
            return $"A share in this project may be at most {limits.PerShareGigabytes} GiB; choose a smaller size or ask an admin to raise the per-share quota.";

        if (!IsUnlimited(limits.Shares) && usage.Shares + 1 > limits.Shares)
            return $"The project already has {usage.Shares} of its {limits.Shares} shares{Parenthesised(usage.SharesReserved)}; delete a share or ask an admin to raise the shares quota.";

        if (!IsUnlimited(limits.Gigabytes) && usage.Gigabytes + sizeGiB > limits.Gigabytes)
        {
            var left = Math.Max(0, limits.Gigabytes - usage.Gigabytes);
            var (total, reserved) = (usage.Gigabytes + sizeGiB, Reserved(usage.GigabytesReserved, " GiB"));
            // One whole sentence per case, so that each reads right in every language (Sentences.ja.resx).
            return left > 0
                ? $"A {sizeGiB} GiB share would bring the project to {total} GiB of its {limits.Gigabytes} GiB quota ({usage.GigabytesInUse} GiB in use{reserved}); choose at most {left} GiB, or ask an admin to raise the quota."
                : $"A {sizeGiB} GiB share would bring the project to {total} GiB of its {limits.Gigabytes} GiB quota ({usage.GigabytesInUse} GiB in use{reserved}); free space or ask an admin to raise the quota.";
        }
        return null;
    }

    /// <summary>Null when growing a share from <paramref name="fromGiB"/> to <paramref name="toGiB"/> fits.</summary>
    public static string? RefuseExtend(QuotaLimits limits, QuotaUsage usage, int fromGiB, int toGiB)
    {
        if (!IsUnlimited(limits.PerShareGigabytes) && toGiB > limits.PerShareGigabytes)
            return $"A share in this project may be at most {limits.PerShareGigabytes} GiB; choose a smaller size or ask an admin to raise the per-share quota.";
        var growth = toGiB - fromGiB;
        if (!IsUnlimited(limits.Gigabytes) && usage.Gigabytes + growth > limits.Gigabytes)
        {
            var left = Math.Max(0, limits.Gigabytes - usage.Gigabytes);
            var total = usage.Gigabytes + growth;
            return left > 0
                ? $"Growing the share by {growth} GiB would bring the project to {total} GiB of its {limits.Gigabytes} GiB quota; the share can grow to at most {fromGiB + left} GiB, or ask an admin to raise the quota."
                : $"Growing the share by {growth} GiB would bring the project to {total} GiB of its {limits.Gigabytes} GiB quota; free space or ask an admin to raise the quota.";
        }
        return null;
    }

    /// <summary>Null when a snapshot charged <paramref name="sizeGiB"/> fits the snapshot quotas.</summary>
    public static string? RefuseNewSnapshot(QuotaLimits limits, QuotaUsage usage, int sizeGiB)
    {
        if (!IsUnlimited(limits.Snapshots) && usage.Snapshots + 1 > limits.Snapshots)
            return $"The project already has {usage.Snapshots} of its {limits.Snapshots} snapshots; delete a snapshot or ask an admin to raise the snapshots quota.";
        if (!IsUnlimited(limits.SnapshotGigabytes) && usage.SnapshotGigabytes + sizeGiB > limits.SnapshotGigabytes)
            return $"A snapshot of this {sizeGiB} GiB share would bring the project's snapshots to {usage.SnapshotGigabytes + sizeGiB} GiB of its "
                 + $"{limits.SnapshotGigabytes} GiB snapshot quota; delete a snapshot or ask an admin to raise the quota.";
        return null;
    }

    private static string Parenthesised(int reserved) =>
        reserved > 0 ? $" ({reserved} of them still pending)" : "";

    private static string Reserved(long amount, string unit) =>
        amount > 0 ? $", {amount}{unit} reserved by pending requests" : "";
}
