using System.Net;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Plans;

/// <summary>Issue 22 on a phone: a client answers a proposal with their own words, and a partner sees who already agreed.</summary>
public sealed class CounterProposalBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sam_suggests_different_wording_on_a_phone_and_Avery_sees_that_Riley_agreed()
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var alex = await Sessions.SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        var sams = await Sessions.SessionSafetyTests.SamsEngagementAsync(app);
        await alex.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "In bed by eleven every night", whyItMatters = "Sleep first" }, HttpStatusCode.Created);

        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await sam.GotoAsync($"/engagements/{sams}/plan");
        var card = sam.Locator(".proposal", new() { HasText = "In bed by eleven every night" });
        await card.GetByRole(AriaRole.Button, new() { Name = "Suggest different wording" }).ClickAsync();
        var wording = card.GetByLabel("Your wording");
        await Assertions.Expect(wording).ToHaveValueAsync("In bed by eleven every night");
        await wording.FillAsync("In bed by midnight on work nights");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "proposal-counter-phone");
        await card.GetByRole(AriaRole.Button, new() { Name = "Send my wording" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your wording is in the plan" })).ToBeVisibleAsync();
        await Assertions.Expect(sam.Locator("main")).ToContainTextAsync("In bed by midnight on work nights");
        await Assertions.Expect(card).ToHaveCountAsync(0);

        using var morgan = await Sessions.SessionSafetyTests.ApiAsync(app, "morgan@riverside.test");
        using var riley = await Sessions.SessionSafetyTests.ApiAsync(app, "riley@riverside.test");
        var couple = (await riley.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
        var proposal = await morgan.PostJsonAsync($"/api/engagements/{couple}/proposals", new { kind = "AddGoal", text = "A walk together each Sunday" }, HttpStatusCode.Created);
        await riley.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", null, HttpStatusCode.OK);

        var avery = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(avery, "avery@riverside.test");
        await avery.GotoAsync($"/engagements/{couple}/plan");
        var waiting = avery.Locator(".proposal", new() { HasText = "A walk together each Sunday" });
        await Assertions.Expect(waiting).ToContainTextAsync("Already agreed: Riley Brooks.");
        await BrowserSession.AssertAccessibleAsync(avery);
        await BrowserSession.ScreenshotAsync(avery, "proposal-partner-agreed-phone");
    }
}
