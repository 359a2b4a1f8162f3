using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Foundation;

/// <summary>Issue 21: the practice admin reads the security log in plain words, on a laptop and on a phone.</summary>
public sealed class SecurityLogPageTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task The_admin_reads_a_failed_sign_in_in_plain_words(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var stranger = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await stranger.GotoAsync("/Account/Login");
        await stranger.GetByLabel("Email").FillAsync("alex@riverside.test");
        await stranger.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password");
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(stranger.GetByText("Check your email and password").First).ToBeVisibleAsync();

        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await BrowserSession.SignInAsync(page, "admin@riverside.test");
        await page.GotoAsync("/practice/security");
        var row = page.Locator("tr", new() { HasText = "Alex Rivera" }).Filter(new() { HasText = "Sign-in failed: wrong password" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("Failed");
        Assert.DoesNotContain("(password)", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"security-log-{width}");
    }
}
