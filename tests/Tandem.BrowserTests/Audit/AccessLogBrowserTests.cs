using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Sessions;
using Tandem.BrowserTests.Support;
using Tandem.Features.Audit;
using Tandem.Features.Practices;
using Tandem.Features.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Audit;

/// <summary>Issue 8, acceptance 3: Alex reads Sam's note; Sam's access log says so in plain words, in Sam's time zone.</summary>
public sealed class AccessLogBrowserTests(BrowserFixture browser)
{
    private const string SamsZone = "America/New_York";

    [Fact]
    public async Task Alex_reads_Sams_note_and_Sams_access_log_shows_it_in_plain_words_in_Sams_time_zone()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await SessionSafetyTests.SamsEngagementAsync(app);
        var sessionId = Guid.Empty;
        var sessionStart = DateTimeOffset.MinValue;
        await app.WithDbAsync(async db =>
        {
            // Sam lives five hours behind Alex: the log must speak Sam's time, not Alex's or the server's.
            var sam = await db.Users.SingleAsync(u => u.Email == "sam@riverside.test");
            sam.UpdateProfile(sam.DisplayName, sam.Pronouns, SamsZone);
            var note = await db.Set<SharedNote>().Where(n => n.EngagementId == sams && n.SignedAt != null).OrderByDescending(n => n.SignedAt).FirstAsync();
            sessionId = note.SessionId;
            sessionStart = await db.Set<Session>().Where(s => s.Id == note.SessionId).Select(s => s.StartsAt).SingleAsync();
            await db.SaveChangesAsync();
        });

        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync($"/sessions/{sessionId}/note");
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Shared note" })).ToBeVisibleAsync();

        DateTimeOffset readAt = default;
        await app.WithDbAsync(async db =>
        {
            var alexId = await db.Users.Where(u => u.Email == "alex@riverside.test").Select(u => u.Id).SingleAsync();
            var entries = await db.AuditEntries.Where(e => e.UserId == alexId && e.ObjectType == "SharedNote" && e.Action == AuditAction.Read).ToListAsync();
            readAt = entries.OrderByDescending(e => e.Sequence).First().At;
        });

        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await sam.GotoAsync($"/engagements/{sams}/access-log?kind=read");
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Who opened this record" })).ToBeVisibleAsync();

        var culture = CultureInfo.GetCultureInfo("en-GB");
        var samLocal = TimeZones.ToLocal(readAt, SamsZone);
        var day = TimeZones.ToLocal(sessionStart, SamsZone).ToString("d MMMM", culture);
        var entry = sam.Locator(".access-log li", new() { HasText = $"Alex Rivera opened the session note of {day}" }).First;
        await Assertions.Expect(entry).ToBeVisibleAsync();
        // Issue 22: grouped by day (in Sam's zone) and by person; the day is the heading, the entry shows the clock time.
        await Assertions.Expect(entry.Locator("time")).ToHaveTextAsync(samLocal.ToString("HH:mm", culture));
        var today = sam.Locator(".log-day").Filter(new() { Has = sam.GetByRole(AriaRole.Heading, new() { Name = "Today", Exact = true }) });
        await Assertions.Expect(today.GetByRole(AriaRole.Heading, new() { Name = "Alex Rivera", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(today.Locator(".access-log li", new() { HasText = "Alex Rivera opened the session note of" }).First).ToBeVisibleAsync();
        Assert.NotEqual(TimeZones.ToLocal(readAt, "Europe/London").ToString("HH:mm", culture), samLocal.ToString("HH:mm", culture));

        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "access-log-client-phone");

        // Issue 22: others than me by default, with the week in one sentence at the top; a filter shows my own.
        await sam.GotoAsync($"/engagements/{sams}/access-log");
        await Assertions.Expect(sam.Locator(".access-summary")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("^This week Alex opened .*your session notes (once|twice|\\d+ times)"));
        await Assertions.Expect(sam.GetByLabel("Person")).ToHaveValueAsync("");
        await Assertions.Expect(sam.Locator(".access-log li", new() { HasText = "You opened" })).ToHaveCountAsync(0);
        Assert.True(await sam.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the access log is wider than the phone");
        await BrowserSession.ScreenshotAsync(sam, "access-log-others-phone");
        await sam.GetByLabel("Person").SelectOptionAsync("me");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(sam.Locator(".access-log li", new() { HasText = "You opened" }).First).ToBeVisibleAsync();
        await Assertions.Expect(sam.Locator(".access-log li", new() { HasText = "Alex Rivera" })).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(sam);
    }
}
