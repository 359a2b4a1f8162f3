using System.Globalization;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Sessions;

/// <summary>Issue 21, scheduling basics: a weekly series from the schedule form, and the week view on a laptop and a phone.</summary>
public sealed class WeekViewTests(BrowserFixture browser)
{
    private static readonly ViewportSize Laptop = new() { Width = 1366, Height = 900 };

    [Fact]
    public async Task Alex_schedules_a_weekly_series_and_reads_the_week_on_a_laptop_and_a_phone()
    {
        await using var app = await BrowserSession.StartAppAsync();
        using (var alexApi = await SessionSafetyTests.ApiAsync(app, "alex@riverside.test"))
        {
            // A session that started an hour ago and is still "planned": the list offers to mark it.
            await alexApi.PostJsonAsync($"/api/engagements/{await SessionSafetyTests.SamsEngagementAsync(app)}/sessions",
                new { startsAt = DateTimeOffset.UtcNow.AddHours(-1), durationMinutes = 50, location = "Riverside practice, room 2" }, System.Net.HttpStatusCode.Created);
        }

        var page = await BrowserSession.NewPageAsync(browser, app, Laptop);
        await BrowserSession.SignInAsync(page, "alex@riverside.test");

        await page.GotoAsync("sessions");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "sessions-list-mark-held-laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Held" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is marked \"Held\"");

        // The schedule form with a repeat: every week, three sessions.
        await page.GetByText("Schedule a session").ClickAsync();
        var day = DateTime.UtcNow.Date.AddDays(28);
        await page.GetByLabel("With").SelectOptionAsync(new SelectOptionValue { Label = "Finding my footing again (Sam Okafor)" });
        await page.GetByLabel("Date", new() { Exact = true }).FillAsync(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByLabel("Start").FillAsync("07:00");
        await page.GetByLabel("Where").FillAsync("Riverside practice, room 4");
        await page.GetByLabel("How often").SelectOptionAsync(new SelectOptionValue { Label = "Every week" });
        await page.GetByLabel("Ends after").CheckAsync();
        await page.GetByLabel("Number of sessions").FillAsync("3");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "sessions-schedule-repeat-laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule", Exact = true }).ClickAsync();

        // The series lands in the week view of its first session, one click from each room.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/sessions/week\\?week="));
        var session = page.Locator(".week-session", new() { HasText = "07:00–07:50" });
        await Assertions.Expect(session).ToContainTextAsync("Sam Okafor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Next week" }).ClickAsync();
        await Assertions.Expect(page.Locator(".week-session", new() { HasText = "07:00–07:50" })).ToContainTextAsync("Sam Okafor");

        // This week, with the demo's sessions and today marked, fits the laptop screen without scrolling sideways.
        await page.GetByRole(AriaRole.Link, new() { Name = "This week" }).ClickAsync();
        await Assertions.Expect(page.Locator(".week-day.today")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".week-day.today")).ToHaveAttributeAsync("aria-current", "date");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the week view scrolls sideways at 1366 px");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => new Set([...document.querySelectorAll('.week-day')].map(d => Math.round(d.getBoundingClientRect().top))).size"));
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "sessions-week-laptop");
        await page.Locator(".week-session").First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Session on" })).ToBeVisibleAsync();

        // On a phone the week is a day-by-day list, and the repeat form still fits.
        var phone = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(phone, "alex@riverside.test");
        await phone.GotoAsync("sessions/week");
        var days = phone.Locator(".week-day");
        await Assertions.Expect(days).ToHaveCountAsync(7);
        var lefts = await phone.EvaluateAsync<int>("() => new Set([...document.querySelectorAll('.week-day')].map(d => Math.round(d.getBoundingClientRect().left))).size");
        Assert.Equal(1, lefts);
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the week view scrolls sideways at 390 px");
        await BrowserSession.AssertAccessibleAsync(phone);
        await BrowserSession.ScreenshotAsync(phone, "sessions-week-phone");
        await phone.GotoAsync("sessions");
        await phone.GetByText("Schedule a session").ClickAsync();
        await phone.GetByLabel("How often").SelectOptionAsync(new SelectOptionValue { Label = "Every two weeks" });
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the schedule form scrolls sideways at 390 px");
        await BrowserSession.AssertAccessibleAsync(phone);
        await BrowserSession.ScreenshotAsync(phone, "sessions-schedule-repeat-phone");
    }
}
