using Microsoft.Playwright;
using Tandem.BrowserTests.Sessions;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Accounts;

/// <summary>Issue 22: on a phone, signing out lands on a page that says so, and being signed out from elsewhere is explained.</summary>
public sealed class SignedOutBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sam_on_a_phone_is_told_why_a_sign_in_ended_and_where_signing_out_leaves_them()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(page, "sam@riverside.test");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your space" })).ToBeVisibleAsync();

        // On another device, Sam ends every other sign-in; the phone's next page says why it asks for a password.
        using (var laptop = await SessionSafetyTests.ApiAsync(app, "sam@riverside.test"))
        {
            using var ended = await laptop.PostAsync("/api/me/sessions/end-others", null, TestContext.Current.CancellationToken);
            Assert.True(ended.IsSuccessStatusCode, $"ending the other sign-ins answered {(int)ended.StatusCode}");
        }

        // The home page anyone may open: it says why instead of quietly showing the signed-out home.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("You were signed out from another device")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in again" }).ClickAsync();
        await Assertions.Expect(page.GetByText("You were signed out from another device")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Email")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the sign-in page is wider than the phone");
        await BrowserSession.AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "signed-out-elsewhere-phone.png") });

        // Signing in again and then out from the menu lands on a page that says so, with the way back in.
        await BrowserSession.SignInAsync(page, "sam@riverside.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = false }).First).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "signed-out-phone.png") });
    }
}
