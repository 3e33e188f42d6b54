using Microsoft.EntityFrameworkCore;
using ZfsPortal.Features.Shares.Create;

namespace ZfsPortal.Tests.Features.Shares.Create;

/// <summary>The start's rehearsal of a create decision (ADR 34): it decides to the end and leaves nothing behind.</summary>
public sealed class CreateShareRehearsalTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task The_rehearsal_accepts_a_create_then_keeps_queues_and_publishes_nothing()
    {
        var before = await CountsAsync();
        var published = 0;
        using var subscription = _world.Events.Subscribe(_ => { Interlocked.Increment(ref published); return Task.CompletedTask; });

        var result = await _world.Service<CreateShareRehearsal>().RunAsync(CancellationToken.None);

        // Accepted: the queries and the save pipeline of a whole decision ran, not just the first lookup.
        Assert.True(result?.Succeeded, result?.Error);
        Assert.Equal(before, await CountsAsync());
        Assert.Empty(_world.Scheduler.Enqueued);
        Assert.Equal(0, published);
    }

    [Fact]
    public async Task A_tenant_creates_as_before_after_the_rehearsal()
    {
        await _world.Service<CreateShareRehearsal>().RunAsync(CancellationToken.None);
        var (project, member) = _world.AddProjectWithMember("alpha");

        var result = await _world.RequestShareAsync(member, project, "rehearsal", "1");

        Assert.True(result.Succeeded, result.Error);
        Assert.Single(_world.Scheduler.Enqueued);
    }

    private async Task<string> CountsAsync()
    {
        await using var db = _world.Db.CreateDbContext();
        return string.Join(' ', await db.Users.CountAsync(), await db.Projects.CountAsync(), await db.ProjectMembers.CountAsync(),
            await db.ShareTypes.CountAsync(), await db.Shares.CountAsync(), await db.Operations.CountAsync(), await db.Audit.CountAsync());
    }

    public void Dispose() => _world.Dispose();
}
