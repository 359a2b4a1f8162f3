using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Sessions;

/// <summary>Issue 5, acceptance 1: Alex and Sam in two browsers, from scheduling to an amended note.</summary>
public sealed partial class SessionFlowTests(BrowserFixture browser)
{
    [Fact]
    public async Task Alex_and_Sam_share_a_session_from_agenda_to_an_amended_note()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var alex = await BrowserSession.NewPageAsync(browser, app);
        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");

        // Alex schedules a session with Sam.
        await alex.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Sessions" }).ClickAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Sessions", Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "sessions-schedule");
        await alex.GetByText("Schedule a session").ClickAsync();
        await alex.GetByLabel("With").SelectOptionAsync(new SelectOptionValue { Label = "Finding my footing again (Sam Okafor)" });
        await alex.GetByLabel("Date", new() { Exact = true }).FillAsync(DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await alex.GetByLabel("Start").FillAsync("10:00");
        await alex.GetByLabel("Minutes").FillAsync("50");
        await alex.GetByLabel("Where").FillAsync("Riverside practice, room 2");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Schedule", Exact = true }).ClickAsync();
        await alex.WaitForURLAsync(RoomUrl());
        var room = new Uri(alex.Url).AbsolutePath;
        await WaitUntilLiveAsync(alex);
        await Assertions.Expect(alex.GetByText("The session is scheduled")).ToBeVisibleAsync();

        // Sam adds to the agenda; Alex sees it without reloading.
        await sam.GotoAsync(room);
        await WaitUntilLiveAsync(sam);
        await sam.GetByLabel("Agenda item").FillAsync("The call with my brother on Sunday");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Add to agenda" }).ClickAsync();
        await Assertions.Expect(alex.Locator(".agenda-list")).ToContainTextAsync("The call with my brother on Sunday");
        await Assertions.Expect(alex.Locator(".agenda-list")).ToContainTextAsync("Sam Okafor");

        // Alex writes the note and gets two wording hints, never blocking.
        await alex.GetByLabel("Note (Markdown").FillAsync("We talked about the call with your brother on Sunday.\n\nthe client refused and is non-compliant with the sleep plan.");
        var hints = alex.Locator(".language-hint");
        await Assertions.Expect(hints).ToHaveCountAsync(2);
        await Assertions.Expect(hints.Nth(0)).ToContainTextAsync("refused");
        await Assertions.Expect(hints.Nth(0)).ToContainTextAsync("Declines");
        await Assertions.Expect(hints.Nth(1)).ToContainTextAsync("non-compliant");
        await Assertions.Expect(hints.Nth(1)).ToContainTextAsync("Not taking as prescribed");
        await Assertions.Expect(hints.Nth(1)).ToContainTextAsync("Source:");
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "session-room-therapist-hints");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Sign note…" }).ClickAsync();
        await alex.GetByRole(AriaRole.Button, new() { Name = "Yes, sign the note" }).ClickAsync();
        await Assertions.Expect(alex.GetByText("Signed. The note is now part of the record")).ToBeVisibleAsync();

        // Sam's room shows the signed note live; Sam opens it, answers a quoted passage and reflects.
        await Assertions.Expect(sam.Locator(".note-body")).ToContainTextAsync("the client refused");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "session-room-client-phone");
        await sam.GetByRole(AriaRole.Link, new() { Name = "Read, comment and reflect" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Shared note" })).ToBeVisibleAsync();
        await sam.GetByLabel("The passage you are answering").SelectOptionAsync(new SelectOptionValue { Label = "We talked about the call with your brother on Sunday." });
        await sam.GetByLabel("I disagree").CheckAsync();
        await sam.GetByLabel("Your comment").FillAsync("It was my sister who called, not my brother.");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        await Assertions.Expect(sam.Locator(".annotation blockquote")).ToContainTextAsync("We talked about the call with your brother on Sunday.");
        await Assertions.Expect(sam.Locator(".annotation").First).ToContainTextAsync("disagrees");
        await sam.GetByLabel("Add a reflection").FillAsync("Saying it out loud made Sunday feel smaller.");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Save reflection" }).ClickAsync();
        await Assertions.Expect(sam.Locator(".reflection")).ToContainTextAsync("Sunday feel smaller");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "session-note-client-phone");

        // Alex amends with a reason; Sam sees the amendment and its history.
        await alex.GotoAsync(room + "/note");
        await Assertions.Expect(alex.Locator(".annotation").First).ToContainTextAsync("my sister");
        await alex.GetByText("Amend this note").ClickAsync();
        await alex.GetByLabel("Corrected text").FillAsync("We talked about the call with your sister on Sunday.\n\nYou chose not to follow the sleep plan this week; it did not fit your shifts.");
        await alex.GetByLabel("Why (everyone will see this)").FillAsync("Sam pointed out it was his sister, and I reworded a judgement.");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Add amendment" }).ClickAsync();
        await Assertions.Expect(alex.GetByText("Amendment added")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "session-note-therapist");

        await sam.ReloadAsync();
        await Assertions.Expect(sam.Locator(".amendment-box")).ToContainTextAsync("Sam pointed out it was his sister");
        await Assertions.Expect(sam.Locator(".note-body")).ToContainTextAsync("your sister");
        await sam.GetByRole(AriaRole.Link, new() { Name = "See every version and what changed" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Amendment 1" })).ToBeVisibleAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "As signed" })).ToBeVisibleAsync();
        await Assertions.Expect(sam.Locator(".diff del").First).ToBeVisibleAsync();
        await Assertions.Expect(sam.Locator(".diff ins").First).ToBeVisibleAsync();
        await Assertions.Expect(sam.Locator(".version").Last).ToContainTextAsync("the client refused and is non-compliant");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "session-note-history-phone");
        var width = await sam.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"history is {width}px wide on a 390px phone");
        Assert.Empty(BrowserSession.RequestsOutsideTandem(alex));
        Assert.Empty(BrowserSession.RequestsOutsideTandem(sam));
    }

    /// <summary>Typing before the circuit connects would be lost: wait for the live room.</summary>
    internal static async Task WaitUntilLiveAsync(IPage page) =>
        await page.Locator(".room[data-interactive]").WaitForAsync(new() { Timeout = 20_000 });

    [GeneratedRegex(@"/sessions/[0-9a-f-]{36}(\?.*)?$")]
    private static partial Regex RoomUrl();
}
