using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Foundation;

public sealed class OfflineTests(BrowserFixture browser)
{
    [Fact]
    public async Task Pages_and_the_API_reference_load_nothing_from_outside()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app);

        await page.GotoAsync("/Account/Login");
        await BrowserSession.SignInAsync(page, "alex@riverside.test");
        await page.GotoAsync("/Account/Manage");
        await page.GotoAsync("/scalar/");
        await Assertions.Expect(page.GetByText("Tandem API").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserSession.ScreenshotAsync(page, "api-reference");

        Assert.Empty(BrowserSession.RequestsOutsideTandem(page));
    }
}
