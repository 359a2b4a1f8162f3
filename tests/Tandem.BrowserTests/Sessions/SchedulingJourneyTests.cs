using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Sessions;

/// <summary>
/// Issue 21, scheduling basics on a laptop and a phone (the series and the week view are in
/// <see cref="WeekViewTests"/>): a session moved to another day keeps its agenda and says where it
/// moved from; a started session is marked cancelled late or did not attend in the room; and a
/// note cannot be signed before its session starts, and says from when it can.
/// </summary>
public sealed class SchedulingJourneyTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task Alex_moves_a_session_keeping_its_agenda_marks_started_ones_and_cannot_sign_a_note_early(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await SessionSafetyTests.SamsEngagementAsync(app);
        using var alex = await SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        var now = DateTimeOffset.UtcNow;
        async Task<Guid> PlanAsync(DateTimeOffset at) =>
            (await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = at, durationMinutes = 50, location = "Riverside practice, room 2" }, HttpStatusCode.Created)).Id();
        var coming = await PlanAsync(now.AddDays(2));
        await alex.PostJsonAsync($"/api/sessions/{coming}/agenda", new { text = "The new work rota" }, HttpStatusCode.Created);
        var late = await PlanAsync(now.AddHours(-3));
        var missed = await PlanAsync(now.AddHours(-1));

        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await BrowserSession.SignInAsync(page, "alex@riverside.test");

        // Move: another day, another time; the agenda stays and the room says where it moved from.
        await page.GotoAsync($"sessions/{coming}/move");
        var day = DateTime.UtcNow.Date.AddDays(9);
        await page.GetByLabel("Date", new() { Exact = true }).FillAsync(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        // The session was planned through the API at a time with seconds; the field still takes a whole-minute time.
        await page.Locator("#move-time").FillAsync("16:30");
        Assert.True(await page.Locator("#move-time").EvaluateAsync<bool>("e => e.validity.valid"), "the browser refuses 16:30 in the start field");
        await BrowserSession.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the change" }).ClickAsync();
        await Assertions.Expect(page.Locator(".room-when")).ToContainTextAsync("16:30");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/sessions/{coming}$"));
        await Assertions.Expect(page.Locator(".room-moved")).ToContainTextAsync("Moved from");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("The new work rota");
        await SessionFlowTests.WaitUntilLiveAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"session-moved-{width}");

        // Its note can be prepared but not signed yet: the page says from when.
        await page.GotoAsync($"sessions/{coming}/note");
        await page.GetByLabel("Note (Markdown)").FillAsync("We will start with the rota.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".sign-later")).ToContainTextAsync("You can sign this note from");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign the saved note" })).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"session-note-sign-later-{width}");

        // Started sessions: cancelled late, and did not attend, in plain words.
        await page.GotoAsync($"sessions/{late}");
        await SessionFlowTests.WaitUntilLiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancelled late" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Marked as cancelled late.");
        await page.GotoAsync($"sessions/{missed}");
        await SessionFlowTests.WaitUntilLiveAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"session-after-{width}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Did not attend" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Marked as did not attend.");

        var list = (await alex.GetJsonAsync($"/api/engagements/{sams}/sessions")).EnumerateArray().ToList();
        Assert.Equal("Cancelled", list.Single(s => s.Id() == late).Str("status"));
        Assert.Equal("Missed", list.Single(s => s.Id() == missed).Str("status"));
        await BrowserSession.AssertNoSidewaysScrollAsync(page);
    }
}
