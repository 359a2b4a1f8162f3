using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Features.Measures;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Measures;

/// <summary>Issue 18: a risk answer given after pressing Back reaches the therapist at once, in Tandem and by email; the alerts page puts risk first and groups the rest by client.</summary>
public sealed class RiskBrowserTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sam_answers_item_9_with_2_after_pressing_Back_and_Alexs_home_shows_the_risk_alert_and_the_email_is_in_the_outbox()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = Guid.Empty;
        await app.WithDbAsync(async db => sams = (await db.Engagements.FirstAsync(e => e.Title.Contains("footing"), Ct)).Id);

        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await sam.GotoAsync($"/engagements/{sams}/measures/phq-9");
        var questions = sam.Locator("fieldset.question");
        for (var i = 0; i < 9; i++)
        {
            await questions.Nth(i).GetByLabel(i == 8 ? "Not at all" : "Several days", new() { Exact = true }).CheckAsync();
        }

        await sam.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your answers are saved" })).ToBeVisibleAsync();

        // Back to the form the browser remembers, item 9 changed to "More than half the days", sent again.
        await sam.GoBackAsync();
        var again = sam.Locator("fieldset.question");
        await Assertions.Expect(again.Nth(8)).ToBeVisibleAsync();
        await again.Nth(8).GetByLabel("More than half the days", new() { Exact = true }).CheckAsync();
        for (var i = 0; i < 8; i++)
        {
            await again.Nth(i).GetByLabel("Several days", new() { Exact = true }).CheckAsync();
        }

        await sam.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).ClickAsync();
        var crisis = sam.GetByRole(AriaRole.Alert).Filter(new() { HasText = "You are not alone with this" });
        await Assertions.Expect(crisis).ToBeVisibleAsync();
        await Assertions.Expect(crisis).ToContainTextAsync("Your therapist has been told");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "measures-risk-after-back-phone");

        // Alex's home, opened now, leads with the risk alert.
        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync("/");
        var card = alex.Locator(".callout.risk");
        await Assertions.Expect(card).ToContainTextAsync("about risk");
        await Assertions.Expect(card).ToContainTextAsync("Sam");
        await card.GetByRole(AriaRole.Link, new() { Name = "See the alerts" }).ClickAsync();
        var riskGroup = alex.Locator(".risk-group");
        await Assertions.Expect(riskGroup.Locator(".alert-card").Filter(new() { HasText = "More than half the days" })).ToHaveCountAsync(1);

        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<OutboxMessage>().Where(m => m.Kind == RiskAlerting.MailKind).ToListAsync(Ct);
            Assert.Contains(mail, m => m.To == "alex@riverside.test");
            Assert.All(mail, m => Assert.DoesNotContain("Sam", m.TextBody, StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task The_alerts_page_lists_risk_first_groups_the_rest_by_client_and_an_acknowledgement_can_be_undone()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = Guid.Empty;
        await app.WithDbAsync(async db => sams = (await db.Engagements.FirstAsync(e => e.Title.Contains("footing"), Ct)).Id);
        await app.WithDbAsync(async db =>
        {
            var engagement = await db.Engagements.SingleAsync(e => e.Id == sams, Ct);
            var sam = await db.Users.SingleAsync(u => u.Email == "sam@riverside.test", Ct);
            db.Add(MeasureAlert.Raise(engagement.PracticeId, sams, sam.Id, "phq-9", Tandem.Features.Measures.Scoring.AlertKind.Risk,
                "Risk: an answer above 0 to the question about thoughts of being better off dead or of self-harm. Answer: \"Several days\".", app.Clock.GetUtcNow()));
            await db.SaveChangesAsync(Ct);
        });

        var alex = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Desktop);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync("/alerts");
        await Assertions.Expect(alex.Locator("[data-live=on]")).ToBeAttachedAsync();
        await Assertions.Expect(alex.Locator(".risk-group h2")).ToBeVisibleAsync();
        var headings = await alex.Locator(".alert-group h2").AllInnerTextsAsync();
        Assert.StartsWith("About risk", headings[0], StringComparison.Ordinal);
        Assert.True(headings.Count >= 2, "Other alerts are grouped under each client's name.");
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "alerts-grouped-desktop");

        var risk = alex.Locator(".risk-group .alert-card");
        var count = await risk.CountAsync();
        await risk.First.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Acknowledge") }).ClickAsync();
        await Assertions.Expect(risk).ToHaveCountAsync(count - 1);
        var undo = alex.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Undo acknowledging") });
        await Assertions.Expect(undo).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(alex, "alerts-undo-desktop");
        await undo.ClickAsync();
        await Assertions.Expect(risk).ToHaveCountAsync(count);
        await Assertions.Expect(alex.Locator(".live-status")).ToContainTextAsync("open again");
    }
}
