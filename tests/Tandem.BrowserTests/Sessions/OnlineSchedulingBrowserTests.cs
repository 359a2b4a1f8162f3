using System.Globalization;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Sessions;

/// <summary>
/// Issue 23 on the schedule and change pages: "In person" / "Online (video here in Tandem)" chosen with the keyboard,
/// the place's label following the choice, on a laptop and a phone; then the same session back in person.
/// </summary>
public sealed class OnlineSchedulingBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task Alex_plans_an_online_session_with_the_keyboard_and_changes_it_back_to_in_person(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await BrowserSession.SignInAsync(page, "alex@riverside.test");
        await page.GotoAsync("sessions");
        await page.GetByText("Schedule a session").ClickAsync();
        await page.GetByLabel("With").SelectOptionAsync(new SelectOptionValue { Label = "Finding my footing again (Sam Okafor)" });
        await page.GetByLabel("Date", new() { Exact = true }).FillAsync(DateTime.UtcNow.Date.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByLabel("Start").FillAsync("18:30");

        // In person is chosen first and asks where; the arrow key moves to Online, and the place becomes an optional link.
        var inPerson = page.GetByRole(AriaRole.Radio, new() { Name = "In person" });
        var online = page.GetByRole(AriaRole.Radio, new() { Name = "Online (video here in Tandem)" });
        await Assertions.Expect(inPerson).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Where")).ToBeVisibleAsync();
        await inPerson.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(online).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Link to another video service (optional)")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Leave this empty: the call is on the session's page in Tandem")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        // The form itself, as a tired therapist sees it at 9 pm (the whole page is the list below it).
        await page.Locator(".schedule-form").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"sessions-schedule-online-{width}.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/sessions/[0-9a-f-]{36}"));
        await Assertions.Expect(page.GetByText("Online, here in the session room")).ToBeVisibleAsync();
        var room = new Uri(page.Url).AbsolutePath;

        // The list says how it is held; the change page turns it back in person.
        await page.GotoAsync("sessions");
        await Assertions.Expect(page.Locator(".session-item", new() { HasText = "18:30" }).First).ToContainTextAsync("Online (video in Tandem) · Join from 15 minutes before (18:15)");
        await page.GotoAsync(room.TrimStart('/'));
        await page.GetByRole(AriaRole.Link, new() { Name = "Change time or place" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Online (video here in Tandem)" })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Link to another video service (optional)")).ToHaveValueAsync("");
        await page.GetByRole(AriaRole.Radio, new() { Name = "In person" }).CheckAsync();
        await page.GetByLabel("Where").FillAsync("Riverside practice, room 3");
        await BrowserSession.AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"sessions-change-in-person-{width}.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the change" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex($"{room}$"));
        await Assertions.Expect(page.Locator(".room-when")).ToContainTextAsync("Riverside practice, room 3");
    }
}
