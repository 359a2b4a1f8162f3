using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Messages;

public sealed class SettingsPagesTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_admin_edits_practice_settings_on_a_narrow_screen()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Narrow);
        await BrowserSession.SignInAsync(page, "admin@riverside.test");

        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Practice settings" })).ToBeVisibleAsync();
        await page.GetByLabel("Expected reply time").FillAsync("within one working day");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Saved. Clients see the new text at once.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("You can usually expect a reply within one working day.")).ToBeVisibleAsync();

        await BrowserSession.AssertAccessibleAsync(page);
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"practice settings are {width}px wide at 360px");
        await BrowserSession.ScreenshotAsync(page, "practice-settings-360");
    }

    [Fact]
    public async Task A_client_chooses_notification_emails_on_a_phone()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone, ColorScheme.Dark);
        await BrowserSession.SignInAsync(page, "sam@riverside.test");

        await page.GotoAsync("/Account/Manage");
        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email notifications" })).ToBeVisibleAsync();
        var messages = page.GetByLabel("I have a new message");
        await Assertions.Expect(messages).ToBeCheckedAsync();
        await messages.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save choices" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your choices are saved.")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("I have a new message")).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("A session is coming up")).ToBeCheckedAsync();

        await BrowserSession.AssertAccessibleAsync(page);
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"notification settings are {width}px wide on a phone");
        await BrowserSession.ScreenshotAsync(page, "notification-settings-phone-dark");
    }
}
