using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ZfsPortal.Components;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Tests.Components;

public sealed class RefreshOnShareChangeTests : MudTestContext
{
    private readonly ShareEvents _events = new(NullLogger<ShareEvents>.Instance);
    private readonly Guid _project = Guid.NewGuid();
    private int _reads;

    public RefreshOnShareChangeTests()
    {
        Services.AddSingleton(_events);
        Interactive();
    }

    /// <summary>As a page of one project uses it; counts the page's re-reads.</summary>
    private IRenderedComponent<RefreshOnShareChange> RenderForProject() =>
        Render<RefreshOnShareChange>(ps => ps
            .Add(p => p.When, c => c.ProjectId == _project)
            .Add(p => p.OnChange, () => _reads++));

    /// <summary>Publishes, then waits until the circuit's thread has handled it (Publish only queues the handling).</summary>
    private async Task PublishAsync(Guid projectId)
    {
        _events.Publish(new ShareChanged(Guid.NewGuid(), projectId));
        await Renderer.Dispatcher.InvokeAsync(() => { });
    }

    [Fact]
    public void Once_subscribed_it_reads_once_so_a_change_before_the_subscription_is_not_missed()
    {
        RenderForProject();

        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task A_change_in_its_project_re_reads_the_page()
    {
        RenderForProject();

        await PublishAsync(_project);
        await PublishAsync(_project);

        Assert.Equal(3, _reads);
    }

    [Fact]
    public async Task Changes_that_arrive_while_the_page_reads_are_answered_by_one_more_read_after_it()
    {
        var reading = new TaskCompletionSource();
        var reads = 0;
        Render<RefreshOnShareChange>(ps => ps
            .Add(p => p.When, c => c.ProjectId == _project)
            .Add(p => p.OnChange, async () =>
            {
                reads++;
                if (reads == 2)
                    await reading.Task;
            }));

        await PublishAsync(_project);   // the second read starts and waits
        await PublishAsync(_project);
        await PublishAsync(_project);
        await PublishAsync(_project);
        Assert.Equal(2, reads);
        await Renderer.Dispatcher.InvokeAsync(reading.SetResult);
        await Renderer.Dispatcher.InvokeAsync(() => { });

        // One read for the three changes that came during the second, which may have read before they were made.
        Assert.Equal(3, reads);
        await PublishAsync(_project);
        Assert.Equal(4, reads);
    }

    [Fact]
    public async Task A_change_in_another_project_does_not_wake_the_page()
    {
        RenderForProject();

        await PublishAsync(Guid.NewGuid());

        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task After_the_page_is_gone_a_change_reads_nothing()
    {
        RenderForProject();
        await DisposeComponentsAsync();

        await PublishAsync(_project);

        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task A_change_published_by_a_job_re_reads_the_page_in_the_page_s_language_not_the_job_s()
    {
        var cultures = new List<string>();
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("ja-JP");
        try
        {
            Render<RefreshOnShareChange>(ps => ps
                .Add(p => p.When, _ => true)
                .Add(p => p.OnChange, () => cultures.Add(System.Globalization.CultureInfo.CurrentUICulture.Name)));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
        }

        // A worker's thread, in the process's culture.
        await Task.Run(() =>
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;
            _events.Publish(new ShareChanged(Guid.NewGuid(), _project));
        });
        await Renderer.Dispatcher.InvokeAsync(() => { });

        Assert.Equal(["ja-JP", "ja-JP"], cultures);
    }
}
