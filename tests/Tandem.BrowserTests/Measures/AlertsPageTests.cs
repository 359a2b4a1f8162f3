using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Scoring;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Measures;

/// <summary>
/// Issue 21, "Alerts page: filter by client and kind, show only active engagements by default,
/// acknowledge with feedback and undo", on a laptop and a phone.
/// </summary>
public sealed class AlertsPageTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task Alex_filters_alerts_by_client_and_kind_sees_ended_work_only_when_asked_and_undoes_an_acknowledgement(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var alex = await Sessions.SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        var sams = await Sessions.SessionSafetyTests.SamsEngagementAsync(app);
        using var jordan = await Sessions.SessionSafetyTests.ApiAsync(app, "jordan@riverside.test");
        var jordans = (await jordan.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();

        // Casey's work with Alex has ended; an alert about it is still open (raised before the end).
        var caseys = (await alex.PostJsonAsync("/api/engagements", new { title = "Finished course", format = "ClientLed" }, HttpStatusCode.Created)).Id();
        var invite = (await alex.PostJsonAsync($"/api/engagements/{caseys}/invitations", new { email = "casey@example.test" }, HttpStatusCode.Created)).Str("inviteUrl");
        using (var anonymous = new HttpClient { BaseAddress = new Uri(BrowserSession.BaseUrl(app) + "/") })
        {
            await anonymous.PostJsonAsync($"/api/invitations/{invite[(invite.LastIndexOf('/') + 1)..]}/accept", new { displayName = "Casey Former", password = "tidepool lantern 77" }, HttpStatusCode.Created);
        }

        await alex.PostJsonAsync($"/api/engagements/{caseys}/end", null, HttpStatusCode.OK);

        await app.WithDbAsync(async db =>
        {
            var practice = (await db.Engagements.SingleAsync(e => e.Id == sams, Ct)).PracticeId;
            Guid Id(string email) => db.Users.Single(u => u.Email == email).Id;
            var now = app.Clock.GetUtcNow();
            db.Add(MeasureAlert.Raise(practice, sams, Id("sam@riverside.test"), "phq-9", AlertKind.Risk, "Risk: an answer above 0 to question 9. Answer: \"Several days\".", now.AddMinutes(-30)));
            db.Add(MeasureAlert.Raise(practice, sams, Id("sam@riverside.test"), "gad-7", AlertKind.NotOnTrack, "Not on track: no reliable improvement after six scores.", now.AddMinutes(-20)));
            db.Add(MeasureAlert.Raise(practice, jordans, Id("jordan@riverside.test"), "phq-9", AlertKind.Deterioration, "Deterioration: a rise of 6 or more since the first score.", now.AddMinutes(-10)));
            db.Add(MeasureAlert.Raise(practice, caseys, Id("casey@example.test"), "phq-9", AlertKind.NotOnTrack, "Not on track: no reliable improvement after six scores.", now.AddMinutes(-40)));
            await db.SaveChangesAsync(Ct);
        });

        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await BrowserSession.SignInAsync(page, "alex@riverside.test");
        await page.GotoAsync("/alerts");
        await Assertions.Expect(page.Locator("[data-live=on]")).ToBeAttachedAsync();
        var cards = page.Locator(".alert-card");

        // By default: risk first, the rest by client, nothing from the ended engagement.
        await Assertions.Expect(page.Locator(".alert-group h2").First).ToContainTextAsync("About risk");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sam Okafor" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Jordan Ellis" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Casey Former");
        await BrowserSession.AssertNoSidewaysScrollAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"alerts-{width}");
        var all = await cards.CountAsync();
        var notOnTrack = await cards.Filter(new() { Has = page.Locator(".alert-kind", new() { HasTextString = "Not on track" }) }).CountAsync();
        var jordansAlerts = await page.Locator("section.alert-group", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Jordan Ellis" }) }).Locator(".alert-card").CountAsync();
        Assert.True(notOnTrack >= 1 && notOnTrack < all && jordansAlerts >= 1 && jordansAlerts < all, $"{all} alerts, {notOnTrack} not on track, {jordansAlerts} of Jordan's");

        // One kind.
        await page.GetByLabel("Kind").SelectOptionAsync(new SelectOptionValue { Label = "Not on track" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(notOnTrack);
        Assert.All(await page.Locator(".alert-card .alert-kind").AllInnerTextsAsync(), k => Assert.Equal("Not on track", k));
        await Assertions.Expect(page.Locator(".risk-group")).ToHaveCountAsync(0);

        // One client, every kind.
        await page.GetByLabel("Kind").SelectOptionAsync(new SelectOptionValue { Label = "Every kind" });
        await page.GetByLabel("Client").SelectOptionAsync(new SelectOptionValue { Label = "Jordan Ellis" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(jordansAlerts);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sam Okafor" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".alert-card .alert-kind", new() { HasTextString = "Deterioration" })).ToHaveCountAsync(1);

        // Everyone again, with ended engagements: Casey's alert is there too.
        await page.GetByLabel("Client").SelectOptionAsync(new SelectOptionValue { Label = "Everyone" });
        await page.GetByLabel("Include ended engagements").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Casey Former" })).ToBeVisibleAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(all + 1);
        await page.GetByLabel("Include ended engagements").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(all);

        // Acknowledge: the page says what was acknowledged and offers to undo; undo brings it back.
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge the deterioration alert for Jordan Ellis" }).ClickAsync();
        await Assertions.Expect(page.Locator(".undo-bar")).ToContainTextAsync("Acknowledged: Deterioration for Jordan Ellis.");
        await Assertions.Expect(cards).ToHaveCountAsync(all - 1);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"alerts-acknowledged-{width}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo acknowledging the deterioration alert for Jordan Ellis" }).ClickAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(all);
        await Assertions.Expect(page.Locator(".live-status")).ToContainTextAsync("Undone: the deterioration alert for Jordan Ellis is open again.");
    }
}
