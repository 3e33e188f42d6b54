using System.Collections.Concurrent;
using Hangfire.Common;
using Hangfire.States;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Tests.Provisioning;

/// <summary>The in-process path: an operation runs at once, once, and never beyond WorkerCount at a time.</summary>
public sealed class OperationDispatcherTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly TestWorld _world = new();
    private ServiceProvider? _services;

    [Fact]
    public async Task An_offered_operation_runs_without_any_hangfire_server()
    {
        var dispatcher = await StartAsync(workers: 2, new CreateShareHandler(_world.Placement, new BackendCatalog(_world.Db), _world.Hosts));
        var (shareId, operationId) = await QueuedShareAsync();

        Assert.True(dispatcher.TryOffer(operationId));

        await EventuallyAsync(() => _world.Share(shareId).Status == ShareStatus.Available);
        Assert.NotNull(_world.Fake.Properties(_world.Share(shareId).Dataset!));
    }

    [Fact]
    public async Task An_operation_offered_before_the_dispatcher_starts_runs_once_it_starts()
    {
        var handler = new FakeHandler(open: true);
        var dispatcher = Build(workers: 1, handler);
        var (_, operationId) = await QueuedShareAsync();

        Assert.True(dispatcher.TryOffer(operationId));
        await dispatcher.StartAsync(CancellationToken.None);

        await EventuallyAsync(() => StateOf(operationId) == OperationState.Succeeded);
    }

    [Fact]
    public async Task An_operation_offered_twice_and_run_by_hangfire_too_is_carried_out_once()
    {
        var handler = new FakeHandler(open: true);
        var dispatcher = await StartAsync(workers: 1, handler);
        var (_, twice) = await QueuedShareAsync();
        var (_, after) = await QueuedShareAsync();

        dispatcher.TryOffer(twice);
        dispatcher.TryOffer(twice);
        await HangfireRunAsync(twice);
        // One loop takes offers in order: when the later operation is done, both offers of the first were taken.
        dispatcher.TryOffer(after);
        await EventuallyAsync(() => StateOf(after) == OperationState.Succeeded);

        Assert.Equal(OperationState.Succeeded, StateOf(twice));
        Assert.Equal(1, handler.RunsOf(twice));
    }

    [Fact]
    public async Task Never_more_than_WorkerCount_operations_run_at_once_across_the_dispatcher_and_hangfire()
    {
        var handler = new FakeHandler(open: false);
        var dispatcher = await StartAsync(workers: 2, handler);
        var operations = new List<Guid>();
        for (var i = 0; i < 5; i++)
            operations.Add((await QueuedShareAsync()).OperationId);

        foreach (var id in operations[..3])
            dispatcher.TryOffer(id);
        var hangfireRuns = operations[3..].Select(id => Task.Run(() => HangfireRunAsync(id))).ToList();
        for (var i = 0; i < 2; i++)
            Assert.True(await handler.Entered.WaitAsync(Patience), "two operations should have started");
        // Not an assertion on time: a pause that gives the other three every chance to get in if the gate let them.
        await Task.Delay(200);
        handler.Open();
        await Task.WhenAll(hangfireRuns);
        await EventuallyAsync(() => operations.All(id => StateOf(id) == OperationState.Succeeded));

        Assert.Equal(2, handler.MostAtOnce);
        Assert.All(operations, id => Assert.Equal(1, handler.RunsOf(id)));
    }

    [Fact]
    public async Task A_run_that_throws_out_of_the_job_does_not_stop_later_operations()
    {
        var handler = new FakeHandler(open: true);
        var dispatcher = await StartAsync(workers: 1, handler);
        var (_, broken) = await QueuedShareAsync();
        var (_, later) = await QueuedShareAsync();
        handler.Break(broken);

        dispatcher.TryOffer(broken);
        dispatcher.TryOffer(later);

        await EventuallyAsync(() => StateOf(later) == OperationState.Succeeded);
        Assert.Equal(1, handler.RunsOf(broken));
    }

    [Fact]
    public async Task Enqueue_runs_the_operation_in_process_and_leaves_a_backstop_job_due_later()
    {
        var dispatcher = await StartAsync(workers: 1, new FakeHandler(open: true));
        var hangfire = new RecordingJobClient();
        var scheduler = new OperationScheduler(hangfire, Options.Create(new PortalOptions { HangfireBackstopSeconds = 30 }), dispatcher);
        var (_, operationId) = await QueuedShareAsync();

        scheduler.Enqueue(operationId);

        await EventuallyAsync(() => StateOf(operationId) == OperationState.Succeeded);
        var (job, state) = Assert.Single(hangfire.Created);
        Assert.Equal([operationId, CancellationToken.None], job.Args);
        Assert.IsType<ScheduledState>(state);
    }

    [Fact]
    public async Task Backstops_are_written_a_moment_after_the_offer_each_once_as_jobs_due_later()
    {
        var hangfire = new RecordingJobClient();
        var backstops = new HangfireBackstops(hangfire, Options.Create(new PortalOptions { HangfireBackstopSeconds = 30 }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<HangfireBackstops>.Instance);
        await backstops.StartAsync(CancellationToken.None);
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };

        foreach (var id in ids)
            backstops.Add(id);
        Assert.Empty(hangfire.Created); // not on the caller's time

        await EventuallyAsync(() => hangfire.Created.Count == ids.Length);
        Assert.Equal(ids, hangfire.Created.Select(c => (Guid)c.Job.Args[0]!));
        Assert.All(hangfire.Created, c =>
        {
            var due = (ScheduledState)c.State;
            Assert.InRange((due.EnqueueAt - due.ScheduledAt).TotalSeconds, 29, 31);
        });
        await backstops.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Backstops_still_pending_when_the_portal_stops_are_written_before_it_goes()
    {
        var hangfire = new RecordingJobClient();
        var backstops = new HangfireBackstops(hangfire, Options.Create(new PortalOptions()),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<HangfireBackstops>.Instance);
        await backstops.StartAsync(CancellationToken.None);
        var id = Guid.NewGuid();

        backstops.Add(id);
        await backstops.StopAsync(CancellationToken.None);
        backstops.Add(Guid.NewGuid()); // after the stop: written at once

        Assert.Equal(2, hangfire.Created.Count);
        Assert.Equal(id, (Guid)hangfire.Created.First().Job.Args[0]!);
    }

    [Fact]
    public async Task A_turn_wait_is_offered_again_in_process_without_another_hangfire_job()
    {
        var dispatcher = await StartAsync(workers: 1, new FakeHandler(open: true));
        var hangfire = new RecordingJobClient();
        var scheduler = new OperationScheduler(hangfire, Options.Create(new PortalOptions()), dispatcher);
        var (_, operationId) = await QueuedShareAsync();

        scheduler.EnqueueAfter(operationId, TimeSpan.FromMilliseconds(10));

        await EventuallyAsync(() => StateOf(operationId) == OperationState.Succeeded);
        Assert.Empty(hangfire.Created);
    }

    [Fact]
    public void A_node_without_a_dispatcher_enqueues_the_hangfire_job_at_once()
    {
        var hangfire = new RecordingJobClient();
        var scheduler = new OperationScheduler(hangfire, Options.Create(new PortalOptions()));

        scheduler.Enqueue(Guid.NewGuid());

        Assert.IsType<EnqueuedState>(Assert.Single(hangfire.Created).State);
    }

    /// <summary>A run as Hangfire's worker makes it: the same job, resolved from the same services.</summary>
    private Task HangfireRunAsync(Guid operationId) =>
        _services!.GetRequiredService<OperationJob>().RunAsync(operationId, CancellationToken.None);

    private async Task<OperationDispatcher> StartAsync(int workers, IOperationHandler handler)
    {
        var dispatcher = Build(workers, handler);
        await dispatcher.StartAsync(CancellationToken.None);
        return dispatcher;
    }

    /// <summary>The portal's job machinery over the test database, with no Hangfire server anywhere.</summary>
    private OperationDispatcher Build(int workers, IOperationHandler handler)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(_world.Db);
        services.AddSingleton(_world.Events);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new PortalOptions { WorkerCount = workers }));
        services.AddSingleton<IOperationScheduler>(_world.Scheduler);
        services.AddSingleton(handler);
        services.AddSingleton<OperationSlots>();
        services.AddTransient<OperationJob>();
        services.AddSingleton<OperationDispatcher>();
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<OperationDispatcher>();
    }

    /// <summary>A share request recorded with its create operation queued, as a page leaves it.</summary>
    private async Task<(Guid ShareId, Guid OperationId)> QueuedShareAsync()
    {
        var (project, member) = _world.AddProjectWithMember($"p{Guid.NewGuid():N}"[..12]);
        var result = await _world.RequestShareAsync(member, project, "zfsvol", "1");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
        return (result.Id!.Value, Assert.Single(_world.Scheduler.Drain()));
    }

    private OperationState StateOf(Guid operationId)
    {
        using var db = _world.Db.CreateDbContext();
        return db.Operations.Single(o => o.Id == operationId).State;
    }

    private static async Task EventuallyAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the operations did not finish");
            await Task.Delay(10);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.GetRequiredService<OperationDispatcher>().StopAsync(CancellationToken.None);
            await _services.DisposeAsync();
        }
    }

    // xunit calls this after DisposeAsync, once the loops are stopped.
    public void Dispose() => _world.Dispose();

    /// <summary>Hangfire's client without a storage: remembers the jobs it was asked to create.</summary>
    private sealed class RecordingJobClient : IBackgroundJobClient
    {
        public ConcurrentQueue<(Job Job, IState State)> Created { get; } = new();

        public string Create(Job job, IState state)
        {
            Created.Enqueue((job, state));
            return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => throw new NotSupportedException();
    }

    /// <summary>
    /// Creates shares without a host: counts its runs and how many run at once, waits at a gate until the test
    /// opens it, and throws out of both run and failure for the operations the test broke.
    /// </summary>
    private sealed class FakeHandler(bool open) : IOperationHandler
    {
        private readonly TaskCompletionSource _gate = NewGate(open);
        private readonly ConcurrentDictionary<Guid, int> _runs = new();
        private readonly ConcurrentDictionary<Guid, bool> _broken = new();
        private int _running;
        private int _mostAtOnce;

        public OperationKind Kind => OperationKind.CreateShare;
        public SemaphoreSlim Entered { get; } = new(0);
        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int RunsOf(Guid operationId) => _runs.GetValueOrDefault(operationId);
        public void Open() => _gate.TrySetResult();
        public void Break(Guid operationId) => _broken[operationId] = true;

        public async Task RunAsync(OperationRun run, CancellationToken ct)
        {
            _runs.AddOrUpdate(run.OperationId, 1, (_, n) => n + 1);
            var now = Interlocked.Increment(ref _running);
            for (var most = _mostAtOnce; now > most; most = _mostAtOnce)
                Interlocked.CompareExchange(ref _mostAtOnce, now, most);
            Entered.Release();
            try
            {
                await _gate.Task.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
            if (_broken.ContainsKey(run.OperationId))
                throw new InvalidOperationException("broken on purpose");
            await run.FinishAsync(succeeded: true, message: null, s => s.Status = ShareStatus.Available, ct);
        }

        public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
            _broken.ContainsKey(run.OperationId)
                ? throw new InvalidOperationException("the failure could not be recorded either")
                : run.FinishAsync(succeeded: false, failure.Message, s => s.Status = ShareStatus.Error, ct);

        private static TaskCompletionSource NewGate(bool open)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (open)
                gate.SetResult();
            return gate;
        }
    }
}
