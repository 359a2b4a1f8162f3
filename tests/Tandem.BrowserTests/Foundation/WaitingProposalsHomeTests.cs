using System.Net;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Foundation;

/// <summary>
/// Issue 21: "1 proposal waits for your answer" named nobody and led nowhere. Alex's home now lists
/// each proposal waiting for him, who made it and in which engagement, one click from the card he
/// answers on; and the read is in the client's access log.
/// </summary>
public sealed class WaitingProposalsHomeTests(BrowserFixture browser)
{
    [Fact]
    public async Task Alex_sees_who_proposed_what_and_answers_in_two_clicks()
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var jordan = await Sessions.SessionSafetyTests.ApiAsync(app, "jordan@riverside.test");
        var jordans = (await jordan.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
        await jordan.PostJsonAsync($"/api/engagements/{jordans}/proposals", new { kind = "AddGoal", text = "Unpack the last boxes by Friday" }, HttpStatusCode.Created);

        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = 1366, Height = 900 });
        await BrowserSession.SignInAsync(page, "alex@riverside.test");
        var waiting = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "for your answer" }) });
        await Assertions.Expect(waiting).ToContainTextAsync("Jordan Ellis proposes: Add the goal “Unpack the last boxes by Friday”");
        await Assertions.Expect(waiting).ToContainTextAsync("Settling after the move");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "therapist-home-waiting-proposals");

        // One click to the card, one to answer.
        await waiting.GetByRole(AriaRole.Link, new() { Name = "Add the goal “Unpack the last boxes by Friday”" }).ClickAsync();
        var card = page.Locator(".proposal", new() { HasText = "Unpack the last boxes by Friday" });
        await card.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Goals" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Unpack the last boxes by Friday");
        await Assertions.Expect(card).ToHaveCountAsync(0);
    }
}
