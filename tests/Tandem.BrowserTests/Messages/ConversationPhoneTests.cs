using System.Net;
using Microsoft.Playwright;
using Tandem.BrowserTests.Sessions;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Messages;

/// <summary>
/// Issue 22: on a 390x844 phone a conversation opens at the newest message with the reply box in
/// view (not 2,000 px further down), posting keeps it there, and earlier messages come on request.
/// </summary>
public sealed class ConversationPhoneTests(BrowserFixture browser)
{
    private const string InView = "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.bottom <= window.innerHeight && r.top < window.innerHeight; }";

    [Fact]
    public async Task A_long_conversation_opens_at_the_newest_message_with_the_reply_box_in_view_and_posting_keeps_it_there()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await SessionSafetyTests.SamsEngagementAsync(app);
        using (var alex = await SessionSafetyTests.ApiAsync(app, "alex@riverside.test"))
        {
            for (var i = 1; i <= 30; i++)
            {
                await alex.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = $"Note {i:00} from Alex: a thought between sessions, long enough to take a few lines on a phone screen." }, HttpStatusCode.Created);
            }
        }

        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(page, "sam@riverside.test");
        await page.GotoAsync($"/engagements/{sams}/messages");
        await Assertions.Expect(page.Locator(".conversation[data-live]")).ToHaveCountAsync(1);

        var newest = page.Locator(".messages > li", new() { HasText = "Note 30 from Alex" });
        var reply = page.GetByRole(AriaRole.Textbox, new() { Name = "Write to everyone in this conversation" });
        await AssertInViewAsync(page, newest, "the newest message");
        await AssertInViewAsync(page, reply, "the reply box");
        Assert.True(await page.Locator(".messages > li").CountAsync() <= 20, "more than the latest 20 messages were loaded at once");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Show earlier messages" })).ToHaveCountAsync(1);
        await BrowserSession.AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "messages-open-at-newest-phone.png") });

        await reply.FillAsync("Thank you, I will bring this on Thursday.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var mine = page.Locator(".messages > li.mine", new() { HasText = "I will bring this on Thursday" });
        await Assertions.Expect(mine).ToHaveCountAsync(1);
        await Assertions.Expect(reply).ToHaveValueAsync("");
        await AssertInViewAsync(page, mine, "the message just sent");
        await AssertInViewAsync(page, reply, "the reply box after sending");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "messages-after-sending-phone.png") });

        var before = await page.Locator(".messages > li").CountAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show earlier messages" }).ClickAsync();
        await Assertions.Expect(page.Locator(".messages > li")).Not.ToHaveCountAsync(before);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the conversation is wider than the phone");
    }

    private static async Task AssertInViewAsync(IPage page, ILocator element, string what)
    {
        // Give the page a moment to settle its scroll position, then judge.
        for (var i = 0; i < 20 && !await element.EvaluateAsync<bool>(InView); i++)
        {
            await page.WaitForTimeoutAsync(150);
        }

        var box = await element.BoundingBoxAsync();
        Assert.True(await element.EvaluateAsync<bool>(InView), $"{what} is not on the first screen: its box is {box?.Y:0}..{box?.Y + box?.Height:0} px, the screen 844 px (scrolled {await page.EvaluateAsync<double>("window.scrollY"):0} of {await page.EvaluateAsync<int>("document.documentElement.scrollHeight")} px; {await page.EvaluateAsync<string>("() => `anchor script: ${typeof window.tandemAnchor}, anchor: ${!!document.querySelector('[data-open-at-end]')}, focus: ${document.activeElement?.tagName}`")})");
    }
}
