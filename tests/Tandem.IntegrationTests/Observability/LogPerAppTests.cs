using Microsoft.Extensions.Logging;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Observability;

/// <summary>
/// Each Tandem host writes its log to its own sinks. Serilog's default hands the log to the process-wide static
/// logger, which the last host to start takes over and the first host to stop silences; with several hosts in one
/// process (the test suites run many at once) a warning then went to another host's sinks or nowhere, and the mail
/// test that waits for the dispatcher's warnings saw none for a minute (CI, stop 33).
/// </summary>
public sealed class LogPerAppTests
{
    [Fact]
    public async Task Two_apps_in_one_process_each_log_to_their_own_sinks_also_after_the_other_stopped()
    {
        var first = Guid.NewGuid().ToString("N");
        var second = Guid.NewGuid().ToString("N");
        var afterwards = Guid.NewGuid().ToString("N");
        await using var one = await TandemApp.StartAsync(seeded: false);
        await using (var two = await TandemApp.StartAsync(seeded: false))
        {
            one.Service<ILoggerFactory>().CreateLogger("Tandem.Tests.One").LogWarning("Marker {Marker}", first);
            two.Service<ILoggerFactory>().CreateLogger("Tandem.Tests.Two").LogWarning("Marker {Marker}", second);

            Assert.Contains(first, one.Log.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(second, one.Log.Text, StringComparison.Ordinal);
            Assert.Contains(second, two.Log.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(first, two.Log.Text, StringComparison.Ordinal);
        }

        // The second app has stopped; the first still logs.
        one.Service<ILoggerFactory>().CreateLogger("Tandem.Tests.Later").LogWarning("Marker {Marker}", afterwards);
        Assert.Contains(afterwards, one.Log.Text, StringComparison.Ordinal);
    }
}
