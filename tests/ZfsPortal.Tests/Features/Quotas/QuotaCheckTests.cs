using ZfsPortal.Data;
using ZfsPortal.Features.Quotas;

namespace ZfsPortal.Tests.Features.Quotas;

public sealed class QuotaCheckTests
{
    private static readonly QuotaLimits Ten = QuotaLimits.Defaults with { Shares = 3, Gigabytes = 10, PerShareGigabytes = QuotaLimits.Unlimited };

    [Fact]
    public void A_share_that_fits_exactly_is_allowed() =>
        Assert.Null(QuotaCheck.RefuseNewShare(Ten, new QuotaUsage(1, 1, 4, 2), 4));

    [Fact]
    public void Reserved_gigabytes_count_like_used_ones()
    {
        var refusal = QuotaCheck.RefuseNewShare(Ten, new QuotaUsage(0, 1, 0, 8), 3);

        Assert.Equal("A 3 GiB share would bring the project to 11 GiB of its 10 GiB quota (0 GiB in use, 8 GiB reserved by pending requests); choose at most 2 GiB, or ask an admin to raise the quota.", refusal);
    }

    [Fact]
    public void A_full_project_is_told_to_free_space()
    {
        var refusal = QuotaCheck.RefuseNewShare(Ten, new QuotaUsage(2, 0, 10, 0), 1);

        Assert.EndsWith("free space or ask an admin to raise the quota.", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_share_count_includes_pending_requests()
    {
        var refusal = QuotaCheck.RefuseNewShare(Ten, new QuotaUsage(1, 2, 1, 1), 1);

        Assert.Equal("The project already has 3 of its 3 shares (2 of them still pending); delete a share or ask an admin to raise the shares quota.", refusal);
    }

    [Fact]
    public void Minus_one_means_unlimited_for_every_quota()
    {
        var unlimited = new QuotaLimits { Shares = -1, Gigabytes = -1, Snapshots = -1, SnapshotGigabytes = -1, PerShareGigabytes = -1 };

        Assert.Null(QuotaCheck.RefuseNewShare(unlimited, new QuotaUsage(10_000, 0, 1_000_000, 0), 100_000));
    }

    [Fact]
    public void The_per_share_limit_is_checked_before_the_totals()
    {
        var limits = Ten with { PerShareGigabytes = 2 };

        Assert.StartsWith("A share in this project may be at most 2 GiB", QuotaCheck.RefuseNewShare(limits, QuotaUsage.None, 3), StringComparison.Ordinal);
    }

    [Fact]
    public void A_quota_lowered_below_current_use_refuses_new_requests()
    {
        var lowered = Ten with { Gigabytes = 5 };

        Assert.NotNull(QuotaCheck.RefuseNewShare(lowered, new QuotaUsage(1, 0, 8, 0), 1));
    }
}
