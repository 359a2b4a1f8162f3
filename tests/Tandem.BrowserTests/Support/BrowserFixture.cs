using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Tandem.BrowserTests.Support.BrowserFixture))]

namespace Tandem.BrowserTests.Support;

/// <summary>
/// One Debian Chromium for the whole run, driven by Playwright; never Playwright's own
/// browser download. Each test opens its own contexts (separate cookie jars).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public static string ScreenshotFolder { get; } = CreateScreenshotFolder();

    public async ValueTask InitializeAsync()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        // CI machines are small and busy: give expectations room, they still fail when wrong.
        Assertions.SetDefaultExpectTimeout(30_000);
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("TANDEM_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
                // Online sessions (issue 23): a made-up camera and microphone, allowed without a prompt.
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }

    private static string CreateScreenshotFolder()
    {
        var root = Environment.GetEnvironmentVariable("TANDEM_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(FindRepositoryRoot(), ".tmp", "screenshots");
        Directory.CreateDirectory(root);
        return root;
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tandem.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Path.GetTempPath();
    }
}
