using System.Net;
using Microsoft.Playwright;
using Tandem.BrowserTests.Sessions;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Home;

/// <summary>
/// Issue 22, client home on a 390x844 phone: the next session first (when, where, the agenda in
/// place), then what waits for the client (a proposal answered in place, questionnaires due), new
/// messages, and the goals with their latest rating, each saying whose.
/// </summary>
public sealed class ClientHomeTests(BrowserFixture browser)
{
    private static readonly string[] HomeOrder = ["Your next session", "Waiting for you", "Your goals"];

    [Fact]
    public async Task Jordan_sees_the_next_session_first_adds_to_its_agenda_and_accepts_a_proposal_without_leaving_home()
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var alex = await SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        using var jordanApi = await SessionSafetyTests.ApiAsync(app, "jordan@riverside.test");
        var jordans = (await jordanApi.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
        var session = (await alex.PostJsonAsync($"/api/engagements/{jordans}/sessions",
            new { startsAt = DateTimeOffset.UtcNow.AddMinutes(40), durationMinutes = 50, location = "Riverside practice, room 4" }, HttpStatusCode.Created)).Id();
        await alex.PostJsonAsync($"/api/engagements/{jordans}/proposals", new { kind = "AddGoal", text = "Walk to the park on Sundays" }, HttpStatusCode.Created);

        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(page, "jordan@riverside.test");
        var next = page.Locator("section.next-session");
        await Assertions.Expect(next.GetByRole(AriaRole.Heading, new() { Name = "Your next session" })).ToBeVisibleAsync();
        await Assertions.Expect(next).ToContainTextAsync("Riverside practice, room 4");
        Assert.True(await next.BoundingBoxAsync() is { Y: < 844 }, "the next session is not on the first screen");

        // The order of the page: next session, what waits, messages, goals.
        var headings = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('main h2')].map(h => h.textContent.trim())");
        var order = HomeOrder.Select(h => Array.FindIndex(headings, x => x.StartsWith(h, StringComparison.Ordinal))).ToList();
        Assert.True(order.All(i => i >= 0) && order.SequenceEqual(order.Order()), $"home headings in this order: {string.Join(" | ", headings)}");

        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "client-home-next-session-phone");

        // The agenda, in place.
        await next.GetByLabel("Add to the agenda").FillAsync("Sleeping since the move");
        await next.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("section.next-session")).ToContainTextAsync("Sleeping since the move");
        var agenda = await jordanApi.GetJsonAsync($"/api/sessions/{session}");
        Assert.Contains(agenda.GetProperty("agenda").EnumerateArray(), a => a.Str("text") == "Sleeping since the move");

        // The proposal, answered in place.
        var waiting = page.Locator("section.waiting");
        var proposal = waiting.Locator("li", new() { HasText = "Walk to the park on Sundays" });
        await Assertions.Expect(proposal).ToContainTextAsync("Alex Rivera proposes");
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Accept", Exact = false }).ClickAsync();
        await Assertions.Expect(page.Locator("section.waiting li", new() { HasText = "Walk to the park on Sundays" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("section.goals")).ToContainTextAsync("Walk to the park on Sundays");

        // Goals with their latest rating, saying whose.
        await Assertions.Expect(page.Locator("section.goals .goal-rating").First).ToContainTextAsync("/10");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "home is wider than the phone");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "client-home-after-answers-phone");
    }
}
