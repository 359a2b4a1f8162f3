using System.Diagnostics;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Messages;

public sealed class MessagingTests(BrowserFixture browser)
{

    private static async Task<Guid> SamsEngagementAsync(TandemApp app)
    {
        using var sam = await BrowserSession.ApiAsync(app, "sam@riverside.test");
        return (await sam.GetJsonAsync("/api/engagements")).EnumerateArray().Single().Id();
    }

    private static ILocator UnreadFor(IPage page, string title) =>
        page.Locator(".unread-list li").Filter(new() { HasText = title }).Locator("[data-unread]");

    [Fact]
    public async Task Sam_sends_Alex_sees_it_live_the_unread_count_updates_and_the_read_receipt_reaches_Sam()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await SamsEngagementAsync(app);
        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");

        // Alex is on the caseload page; the messages card is live.
        await alex.GotoAsync("/");
        await Assertions.Expect(alex.Locator(".unread-messages[data-live]")).ToHaveCountAsync(1);
        var before = int.Parse(await UnreadFor(alex, "Finding my footing again").GetAttributeAsync("data-unread") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await BrowserSession.AssertAccessibleAsync(alex);

        await sam.GotoAsync($"/engagements/{sams}/messages");
        await Assertions.Expect(sam.Locator(".conversation[data-live]")).ToHaveCountAsync(1);
        await Assertions.Expect(sam.GetByText("Messages are not for emergencies.")).ToBeVisibleAsync();
        await sam.GetByLabel("Write to everyone in this conversation").FillAsync("Could we start with the **work** question on Thursday?");
        var clock = Stopwatch.StartNew();
        await sam.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        // The count on Alex's open home page goes up, without a reload.
        await Assertions.Expect(UnreadFor(alex, "Finding my footing again")).ToHaveAttributeAsync("data-unread", (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 2000 });
        var countUpdatedAfter = clock.ElapsedMilliseconds;
        await BrowserSession.ScreenshotAsync(alex, "messages-unread-on-caseload");
        var mine = sam.Locator(".message.mine").Last;
        await Assertions.Expect(mine.Locator(".message-body strong")).ToHaveTextAsync("work");
        await Assertions.Expect(mine.Locator(".receipt")).ToHaveTextAsync("Sent");

        // Alex opens the conversation: the message is there, and reading it reaches Sam.
        await UnreadFor(alex, "Finding my footing again").ClickAsync();
        await Assertions.Expect(alex.Locator(".conversation[data-live]")).ToHaveCountAsync(1);
        await Assertions.Expect(alex.Locator(".message.theirs").Last).ToContainTextAsync("question on Thursday");
        await Assertions.Expect(mine.Locator(".receipt")).ToHaveTextAsync("Read by Alex Rivera", new() { Timeout = 3000 });

        // With both on the conversation, a new message appears on Alex's page in under a second.
        await sam.GetByLabel("Write to everyone in this conversation").FillAsync("Thank you!");
        clock.Restart();
        await sam.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(alex.Locator(".message.theirs").Last).ToContainTextAsync("Thank you!", new() { Timeout = 1000 });
        var appearedAfter = clock.ElapsedMilliseconds;
        await Assertions.Expect(sam.Locator(".message.mine").Last.Locator(".receipt")).ToHaveTextAsync("Read by Alex Rivera", new() { Timeout = 3000 });

        Assert.True(countUpdatedAfter < 1000, $"unread count updated after {countUpdatedAfter} ms");
        Assert.True(appearedAfter < 1000, $"message appeared after {appearedAfter} ms");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "messages-therapist");
        await sam.GetByText("Need help now?").ClickAsync();
        await Assertions.Expect(sam.GetByText("Samaritans 116 123")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "messages-client-phone");
        var width = await sam.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"conversation is {width}px wide on a 390px phone");
    }

    [Fact]
    public async Task Outsiders_get_the_not_found_page_and_scripts_in_messages_never_run()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await SamsEngagementAsync(app);
        using (var samApi = await BrowserSession.ApiAsync(app, "sam@riverside.test"))
        {
            await samApi.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> [x](javascript:window.pwned=3)" }, System.Net.HttpStatusCode.Created);
        }

        var jordan = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(jordan, "jordan@riverside.test");
        var response = await jordan.GotoAsync($"/engagements/{sams}/messages");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(jordan.GetByText("We could not find that page")).ToBeVisibleAsync();

        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync($"/engagements/{sams}/messages");
        await Assertions.Expect(alex.Locator(".conversation[data-live]")).ToHaveCountAsync(1);
        await Assertions.Expect(alex.Locator(".message.theirs").Last).ToContainTextAsync("<script>window.pwned=1</script>");
        var link = alex.Locator(".message.theirs").Last.GetByRole(AriaRole.Link, new() { Name = "x", Exact = true });
        if (await link.CountAsync() > 0)
        {
            Assert.DoesNotContain("javascript", await link.GetAttributeAsync("href") ?? "", StringComparison.OrdinalIgnoreCase);
        }

        Assert.Null(await alex.EvaluateAsync<int?>("window.pwned ?? null"));
    }
}
