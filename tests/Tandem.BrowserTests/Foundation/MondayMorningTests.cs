using System.Net;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Foundation;

/// <summary>
/// Issue 21's journey "Monday morning": Alex signs in, sees today's sessions and the proposal
/// waiting for him, opens it in one click, answers, and opens the next session's room. The test
/// counts clicks and page loads after sign-in and holds them at what it states here: 4 clicks and
/// 3 page loads (before Today the home page showed no session: the proposal, Schedule, the session
/// in the week took 4 clicks as well but the proposal link did not name what it was, and the room
/// needed a search through the week). The same on a 390 px phone, where the way back to Today is
/// the header's "Tandem" (the places are folded into the menu there; opening it would be a fifth click).
/// </summary>
public sealed class MondayMorningTests(BrowserFixture browser)
{
    private const int MaxClicks = 4;
    private const int MaxPageLoads = 3;

    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task Alex_answers_the_waiting_proposal_and_opens_the_next_room_in_four_clicks(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var jordan = await Sessions.SessionSafetyTests.ApiAsync(app, "jordan@riverside.test");
        using var alex = await Sessions.SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        var jordans = (await jordan.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
        await jordan.PostJsonAsync($"/api/engagements/{jordans}/proposals", new { kind = "AddGoal", text = "Walk to work twice a week" }, HttpStatusCode.Created);

        // Later today on Alex's clocks (or at the very end of the day, if the suite runs late): the app's clock, which
        // stands still from its start, not this machine's, which may have passed midnight since.
        var now = app.Clock.GetUtcNow();
        var endOfDay = LondonMidnightAfter(now).AddMinutes(-60);
        var startsAt = now.AddMinutes(30) < endOfDay ? now.AddMinutes(30) : endOfDay;
        var session = (await alex.PostJsonAsync($"/api/engagements/{jordans}/sessions", new { startsAt, durationMinutes = 50, location = "Room 3" }, HttpStatusCode.Created)).Id();
        await alex.PostJsonAsync($"/api/sessions/{session}/agenda", new { text = "How the first week went" }, HttpStatusCode.Created);

        var viewport = new ViewportSize { Width = width, Height = height };
        var page = await BrowserSession.NewPageAsync(browser, app, viewport);
        await BrowserSession.SignInAsync(page, "alex@riverside.test");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today", Exact = true })).ToBeVisibleAsync();

        var loads = 0;
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
            {
                loads++;
            }
        };
        var clicks = 0;
        async Task ClickAsync(ILocator target)
        {
            clicks++;
            await target.ClickAsync();
        }

        var today = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Sessions today" }) });
        await Assertions.Expect(today).ToContainTextAsync("Jordan Ellis");
        await Assertions.Expect(today).ToContainTextAsync("How the first week went");
        var waiting = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "for your answer" }) });
        await Assertions.Expect(waiting).ToContainTextAsync("Walk to work twice a week");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, width == 1366 ? "today-therapist" : $"today-therapist-{width}");
        await BrowserSession.AssertNoSidewaysScrollAsync(page);

        // 1: the proposal, straight to its card.
        await ClickAsync(waiting.GetByRole(AriaRole.Link, new() { Name = "Add the goal “Walk to work twice a week”" }));
        var card = page.Locator($"#proposal-{(await ProposalIdAsync(jordan, jordans)):N}");
        await Assertions.Expect(card).ToContainTextAsync("Walk to work twice a week");

        // 2: answer it where it is.
        await ClickAsync(card.GetByRole(AriaRole.Button, new() { Name = "Accept" }));
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Walk to work twice a week");
        await BrowserSession.AssertAccessibleAsync(page);

        // 3 and 4: back to Today from the header, then the room.
        var home = width >= 1000
            ? page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Today", Exact = true })
            : page.Locator("a.brand");
        await ClickAsync(home);
        await ClickAsync(page.GetByRole(AriaRole.Link, new() { Name = "Open the room with Jordan Ellis" }).First);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/sessions/{session}$"));
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("How the first week went");
        await BrowserSession.AssertAccessibleAsync(page);

        Assert.True(clicks <= MaxClicks, $"The journey took {clicks} clicks; it is held at {MaxClicks}.");
        Assert.True(loads <= MaxPageLoads, $"The journey took {loads} page loads; it is held at {MaxPageLoads}.");
    }

    [Fact]
    public async Task Today_and_the_engagement_hub_read_well_on_a_phone_and_a_laptop()
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var alex = await Sessions.SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        var sams = await Sessions.SessionSafetyTests.SamsEngagementAsync(app);

        // Waiting for Alex besides the sessions: a message from Jordan and a first-conversation request.
        using var jordan = await Sessions.SessionSafetyTests.ApiAsync(app, "jordan@riverside.test");
        var jordans = (await jordan.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
        await jordan.PostJsonAsync($"/api/engagements/{jordans}/messages", new { body = "Could we move Thursday?" }, HttpStatusCode.Created);
        using (var anonymous = new HttpClient { BaseAddress = new Uri(BrowserSession.BaseUrl(app) + "/") })
        {
            var listing = (await anonymous.GetJsonAsync("/api/directory")).EnumerateArray().First(e => e.Str("displayName") == "Alex Rivera").Id();
            await anonymous.PostJsonAsync("/api/directory/requests", new
            {
                therapistId = listing, name = "Robin Hale", email = "robin@example.test", phone = (string?)null,
                message = "I would like to talk about work.", preferredFormat = "NoPreference",
            }, HttpStatusCode.Created);
        }

        var startsAt = DateTimeOffset.UtcNow.AddDays(1);
        var session = (await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt, durationMinutes = 50, location = "Room 3" }, HttpStatusCode.Created)).Id();
        await alex.PostJsonAsync($"/api/sessions/{session}/agenda", new { text = "Sleep and the new shifts" }, HttpStatusCode.Created);

        foreach (var (viewport, name) in new[] { (BrowserSession.Phone, "phone"), (new ViewportSize { Width = 1366, Height = 900 }, "laptop") })
        {
            var page = await BrowserSession.NewPageAsync(browser, app, viewport);
            await BrowserSession.SignInAsync(page, "alex@riverside.test");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This week" })).ToBeVisibleAsync();
            var messages = page.GetByRole(AriaRole.Region, new() { Name = "Messages" });
            await Assertions.Expect(messages.Locator("li", new() { HasText = "Jordan Ellis" }).GetByRole(AriaRole.Link, new() { Name = "1 new message" }))
                .ToHaveAttributeAsync("href", $"engagements/{jordans}/messages");
            var requests = page.GetByRole(AriaRole.Region, new() { Name = "New first-conversation requests" });
            await Assertions.Expect(requests.GetByRole(AriaRole.Link, new() { Name = "Robin Hale" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^directory/requests/[0-9a-f-]{36}$"));
            await BrowserSession.AssertAccessibleAsync(page);
            await BrowserSession.ScreenshotAsync(page, $"today-{name}");
            await BrowserSession.AssertNoSidewaysScrollAsync(page);

            await page.GotoAsync($"/engagements/{sams}");
            var sessions = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Sessions", Exact = true }) });
            await Assertions.Expect(sessions).ToContainTextAsync("Next:");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Open proposals" })).ToBeVisibleAsync();
            await BrowserSession.AssertAccessibleAsync(page);
            await BrowserSession.ScreenshotAsync(page, $"engagement-hub-{name}");
            await BrowserSession.AssertNoSidewaysScrollAsync(page);
            await page.Context.CloseAsync();
        }
    }

    private static async Task<Guid> ProposalIdAsync(HttpClient client, Guid engagement) =>
        (await client.GetJsonAsync($"/api/engagements/{engagement}/proposals")).EnumerateArray()
            .First(p => p.GetProperty("summary").GetString()!.Contains("Walk to work", StringComparison.Ordinal)).Id();

    private static DateTimeOffset LondonMidnightAfter(DateTimeOffset utc)
    {
        var tomorrow = TimeZoneInfo.ConvertTime(utc, London).Date.AddDays(1);
        return new DateTimeOffset(tomorrow, London.GetUtcOffset(tomorrow)).ToUniversalTime();
    }
}
