using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Audit;

/// <summary>
/// "Only reads a person really made": a live page is drawn twice for one look, first on the server (the page the
/// browser receives) and then again when its live connection starts. The second drawing shows what the first showed,
/// so one look is one entry in the access log, not two. When the record changed in between, the second drawing shows
/// the change, and that is recorded (as shown while looking).
/// </summary>
public sealed class OneLookOneEntryTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The PHQ-9's nine items, the last (thoughts of being better off dead) answered too: a risk alert.</summary>
    private static readonly string[] Phq9Items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];

    public enum LivePage
    {
        Conversation,
        ClientHome,
        Alerts,
        SessionRoom,
    }

    [Theory]
    [InlineData(LivePage.Conversation)]
    [InlineData(LivePage.ClientHome)]
    [InlineData(LivePage.Alerts)]
    [InlineData(LivePage.SessionRoom)]
    public async Task One_look_at_a_live_page_is_one_entry_in_the_access_log(LivePage which)
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var sam = await BrowserSession.ApiAsync(app, "sam@riverside.test");
        var sams = (await sam.GetJsonAsync("/api/engagements")).EnumerateArray().Single().Id();
        using var alex = await BrowserSession.ApiAsync(app, "alex@riverside.test");
        // A risk answer, so Alex's alerts page lists Sam.
        await sam.PostJsonAsync($"/api/engagements/{sams}/responses", new
        {
            instrumentId = "phq-9",
            answers = Phq9Items.Select(id => new { linkId = id, value = 1 }).ToArray(),
        }, System.Net.HttpStatusCode.Created);
        var session = (await alex.GetJsonAsync($"/api/engagements/{sams}/sessions")).EnumerateArray().First().Id();

        var (email, path, objectType, live) = which switch
        {
            LivePage.Conversation => ("sam@riverside.test", $"/engagements/{sams}/messages", "MessageThread", ".conversation[data-live]"),
            LivePage.ClientHome => ("sam@riverside.test", "/", "MessageUnreadCounts", ".unread-messages[data-live]"),
            LivePage.Alerts => ("alex@riverside.test", "/alerts", "MeasureAlertList", ".live-alerts[data-live=on]"),
            _ => ("alex@riverside.test", $"/sessions/{session}", "Session", ".room[data-interactive]"),
        };
        var person = Guid.Empty;
        await app.WithDbAsync(async db => person = (await db.Users.SingleAsync(u => u.Email == email, Ct)).Id);

        var page = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(page, email);
        var mark = await BrowserSession.LastAuditEntryAsync(app);
        await page.GotoAsync(path);
        // The live connection has started and drawn the page again.
        await Assertions.Expect(page.Locator(live).First).ToBeAttachedAsync(new() { Timeout = 15_000 });
        await Task.Delay(1500, Ct);

        var look = await ReadsAsync(app, person, objectType, mark);

        // What the server's drawing alone records (the page fetched without a browser, so nothing draws it live).
        var api = which is LivePage.Alerts or LivePage.SessionRoom ? alex : sam;
        mark = await BrowserSession.LastAuditEntryAsync(app);
        var html = await api.GetStringAsync(path.TrimStart('/'), Ct);
        Assert.DoesNotContain("Not found", html, StringComparison.Ordinal);
        var drawn = await ReadsAsync(app, person, objectType, mark);
        Assert.NotEmpty(drawn);
        Assert.True(drawn.Count == look.Count, $"One look at {path} in a browser recorded {look.Count} entries, the page drawn alone {drawn.Count}: "
            + string.Join(", ", look.Select(e => $"{e.ObjectType} {e.EngagementId} ({e.Purpose})")));

        // A change between the two drawings is shown, and recorded: Alex writes while Sam's page is on its way.
        if (which == LivePage.Conversation)
        {
            mark = await BrowserSession.LastAuditEntryAsync(app);
            await page.RouteAsync("**/_blazor/negotiate**", async route =>
            {
                await alex.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "Written while your page was loading." }, System.Net.HttpStatusCode.Created);
                await route.ContinueAsync();
            });
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByText("Written while your page was loading.")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Task.Delay(1500, Ct);
            // The server's drawing, then the live one, which shows the new message (over its connection, or as it arrives).
            Assert.True((await ReadsAsync(app, person, objectType, mark)).Count >= 2, "The live drawing showed a change without recording it.");
        }
    }

    private static async Task<List<AuditEntry>> ReadsAsync(TandemApp app, Guid person, string objectType, long after)
    {
        var entries = new List<AuditEntry>();
        await app.WithDbAsync(async db => entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Id > after && e.UserId == person && e.ObjectType == objectType && e.Action == AuditAction.Read && e.Outcome == AuditOutcome.Success)
            .ToListAsync(Ct));
        return entries;
    }
}
