using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Foundation;

public sealed class HomePageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sign_in_page_lists_the_demo_accounts_and_is_accessible()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app);

        await page.GotoAsync("/Account/Login");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Demo" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("alex@riverside.test")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "sign-in");
    }

    [Fact]
    public async Task Alex_reaches_the_therapist_home()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app);

        await BrowserSession.SignInAsync(page, "alex@riverside.test");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Today", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Therapist", new() { Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "therapist-home");
    }

    [Fact]
    public async Task Sam_reaches_the_client_home_on_a_phone()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);

        await BrowserSession.SignInAsync(page, "sam@riverside.test");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your space" })).ToBeVisibleAsync();
        // On a phone the places are behind the header's Menu.
        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "My space" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "People" })).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Escape");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "client-home-phone");
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"page is {scrollWidth}px wide on a 390px phone");
    }

    [Fact]
    public async Task Admin_reaches_the_practice_home_and_people_page_in_dark_mode()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, scheme: ColorScheme.Dark);

        await BrowserSession.SignInAsync(page, "admin@riverside.test");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your practice" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "admin-home-dark");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "People" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "People" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "kim@harbor.test" })).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "admin-people-dark");
    }

    [Fact]
    public async Task Every_signed_in_page_fits_a_360px_screen_without_sideways_scrolling()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Narrow);
        await BrowserSession.SignInAsync(page, "admin@riverside.test");

        foreach (var path in new[] { "/", "/practice/people", "/Account/Manage", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication", "/Account/Manage/Passkeys" })
        {
            await page.GotoAsync(path);
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 360, $"{path} is {width}px wide at 360px");
            await BrowserSession.AssertAccessibleAsync(page);
        }

        await page.GotoAsync("/practice/people");
        await BrowserSession.ScreenshotAsync(page, "admin-people-360");
    }
}
