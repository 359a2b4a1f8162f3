using System.Net;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Plans;

/// <summary>
/// Issue 21, "Proposals show everything they change": a proposed goal's "why it matters", and a
/// rewording's old and new text and reason, are on the card the other person agrees to, on the plan
/// and on the engagement's overview, on a phone as on a laptop.
/// </summary>
public sealed class ProposalCardTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 900)]
    public async Task Sam_sees_every_part_of_Alexs_proposals_before_agreeing(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await Sessions.SessionSafetyTests.SamsEngagementAsync(app);
        using var alex = await Sessions.SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        var goal = (await alex.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("goals").EnumerateArray().First();
        var oldText = goal.Str("text");
        var oldWhy = goal.Str("whyItMatters");
        Assert.False(string.IsNullOrEmpty(oldWhy), "the demo's first goal of Sam's has a 'why it matters'");

        await alex.PostJsonAsync($"/api/engagements/{sams}/proposals",
            new { kind = "AddGoal", text = "Walk to the river on Sundays", whyItMatters = "Being outside settles me for the week" }, HttpStatusCode.Created);
        var edit = await alex.PostJsonAsync($"/api/engagements/{sams}/proposals",
            new { kind = "EditGoal", goalId = goal.Id(), text = oldText + ", most days", whyItMatters = "So the good days outnumber the hard ones" }, HttpStatusCode.Created);
        var changes = edit.GetProperty("changes").EnumerateArray().Select(c => (c.Str("what"), c.Str("now"), c.Str("proposed"))).ToList();
        Assert.Contains(("Goal", oldText, oldText + ", most days"), changes);
        Assert.Contains(changes, c => c.Item1 == "Why it matters" && c.Item3 == "So the good days outnumber the hard ones");

        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await BrowserSession.SignInAsync(page, "sam@riverside.test");
        await page.GotoAsync($"/engagements/{sams}/plan");
        var waiting = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Waiting for your answer" }) });
        await Assertions.Expect(waiting).ToContainTextAsync("Being outside settles me for the week");
        await Assertions.Expect(waiting).ToContainTextAsync("So the good days outnumber the hard ones");
        // The rewording's sentence quotes old and new text; the why it replaces is shown struck through.
        await Assertions.Expect(waiting).ToContainTextAsync($"Reword “{oldText}” as “{oldText}, most days”");
        await Assertions.Expect(waiting.Locator("del").Filter(new() { HasText = oldWhy })).ToHaveCountAsync(1);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, width < 600 ? "proposal-card-phone" : $"proposal-card-{width}");
        await BrowserSession.AssertNoSidewaysScrollAsync(page);

        await page.GotoAsync($"/engagements/{sams}");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Being outside settles me for the week");
        await BrowserSession.AssertAccessibleAsync(page);
    }
}
