using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZfsPortal.Components;
using ZfsPortal.Hosting;

namespace ZfsPortal.Tests.Localization;

/// <summary>The resource naming the portal relies on (ResourcesPath "src", docs/adr/0028), and the recorder of misses.</summary>
public sealed class MissingTextRecorderTests
{
    private static readonly MissingTextRecorder Recorder = new(new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = PortalLocalization.ResourcesPath }), NullLoggerFactory.Instance));

    [Fact]
    public void A_shared_word_comes_back_in_Japanese_and_a_text_without_Japanese_is_recorded_with_its_resource()
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ja-JP");
        try
        {
            var shared = Recorder.Create(typeof(SharedText));

            Assert.Equal("キャンセル", shared["Cancel"].Value);
            Assert.Equal("No such text here", shared["No such text here"].Value);
            Assert.Equal(["SharedText: No such text here"], Recorder.Misses);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
