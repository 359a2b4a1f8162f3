using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Measures;

public sealed class MeasuresBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sam_on_a_phone_answers_item_9_above_0_sees_crisis_information_at_once_and_Alex_sees_the_risk_alert_without_reload()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await EngagementAsync(app, "footing");

        // Alex watches the alert list in another browser context.
        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync("/alerts");
        await Assertions.Expect(alex.Locator("[data-live=on]")).ToBeAttachedAsync();
        await alex.EvaluateAsync("window.__notReloaded = true");
        var riskCards = alex.Locator(".alert-card.kind-risk");
        var before = await riskCards.CountAsync();

        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await sam.GotoAsync($"/engagements/{sams}/measures/phq-9");
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Mood check (PHQ-9)", Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "measures-phq9-form-phone");

        var questions = sam.Locator("fieldset.question");
        Assert.Equal(10, await questions.CountAsync());
        for (var i = 0; i < 9; i++)
        {
            await questions.Nth(i).GetByLabel("Several days", new() { Exact = true }).CheckAsync();
        }

        await questions.Nth(9).GetByLabel("Somewhat difficult").CheckAsync();
        await sam.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).ClickAsync();

        var crisis = sam.GetByRole(AriaRole.Alert).Filter(new() { HasText = "You are not alone with this" });
        await Assertions.Expect(crisis).ToBeVisibleAsync();
        await Assertions.Expect(crisis).ToContainTextAsync("Samaritans");
        Assert.True(await crisis.BoundingBoxAsync() is { Y: < 844 }, "The crisis information is on the first screen.");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "measures-crisis-phone");

        // The new risk alert appears on Alex's open page, with no reload.
        await Assertions.Expect(riskCards).ToHaveCountAsync(before + 1, new() { Timeout = 10_000 });
        await Assertions.Expect(riskCards.First).ToContainTextAsync("Sam");
        await Assertions.Expect(riskCards.First).ToContainTextAsync("item 9");
        Assert.True(await alex.EvaluateAsync<bool>("window.__notReloaded === true"), "Alex's page reloaded");
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "measures-alerts-live-desktop");

        // Acknowledging takes it off the list.
        await riskCards.First.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Acknowledge") }).ClickAsync();
        await Assertions.Expect(riskCards).ToHaveCountAsync(before);
    }

    [Fact]
    public async Task Progress_pages_are_accessible_and_fit_a_phone_and_a_desktop()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await EngagementAsync(app, "footing");
        var couple = await EngagementAsync(app, "Riley and Avery");

        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await sam.GotoAsync($"/engagements/{sams}/progress");
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Progress", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Img, new() { Name = "Mood check (PHQ-9) scores over time" })).ToBeVisibleAsync();
        // Issue 22: Sam sees the finding in plain words; the service's term stays on Alex's pages.
        await Assertions.Expect(sam.GetByText("Out of the clinical range, and a clear change").First).ToBeVisibleAsync();
        await Assertions.Expect(sam.GetByText("Reliably recovered")).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "measures-progress-phone");
        Assert.True(await sam.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "progress is wider than the phone");
        await AssertChartLabelsReadableAsync(sam);

        await sam.GotoAsync($"/engagements/{sams}/measures/gad-7?one=true");
        await Assertions.Expect(sam.GetByText("Question 1 of 7")).ToBeVisibleAsync();
        await sam.GetByLabel("Not at all").CheckAsync();
        await sam.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(sam.GetByText("Question 2 of 7")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "measures-one-at-a-time-phone");

        await sam.GotoAsync("/");
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Questionnaires for you" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "measures-client-home-phone");

        var morgan = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(morgan, "morgan@riverside.test");
        await morgan.GotoAsync($"/engagements/{couple}/progress");
        await Assertions.Expect(morgan.GetByRole(AriaRole.Heading, new() { Name = "Riley", Exact = false }).First).ToBeVisibleAsync();
        await Assertions.Expect(morgan.GetByRole(AriaRole.Img, new() { Name = "Collaboration Check totals, client and therapist" }).First).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(morgan);
        await BrowserSession.ScreenshotAsync(morgan, "measures-progress-couple-desktop");

        await morgan.GotoAsync($"/engagements/{couple}/measures/collaboration-check-therapist");
        await BrowserSession.AssertAccessibleAsync(morgan);
        await BrowserSession.ScreenshotAsync(morgan, "measures-collaboration-form-desktop");

        await morgan.GotoAsync($"/engagements/{couple}/preferences");
        await Assertions.Expect(morgan.GetByRole(AriaRole.Heading, new() { Name = "How you like to work" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(morgan);
        await BrowserSession.ScreenshotAsync(morgan, "measures-preferences-desktop");

        await morgan.GotoAsync($"/engagements/{couple}/measures");
        await BrowserSession.AssertAccessibleAsync(morgan);
        await BrowserSession.ScreenshotAsync(morgan, "measures-hub-therapist-desktop");

        // Riley never sees Avery's scores.
        var riley = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone, ColorScheme.Dark);
        await BrowserSession.SignInAsync(riley, "riley@riverside.test");
        await riley.GotoAsync($"/engagements/{couple}/progress");
        await Assertions.Expect(riley.GetByRole(AriaRole.Heading, new() { Name = "Your scores" })).ToBeVisibleAsync();
        await Assertions.Expect(riley.Locator(".person-progress")).ToHaveCountAsync(1);
        await Assertions.Expect(riley.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("Avery") })).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(riley);
        await BrowserSession.ScreenshotAsync(riley, "measures-progress-phone-dark");
        await AssertChartLabelsReadableAsync(riley);
    }

    /// <summary>Issue 22, charts on a phone with readable labels: every label of every chart drawn at 11 px or more on screen.</summary>
    private static async Task AssertChartLabelsReadableAsync(IPage page)
    {
        var sizes = await page.EvaluateAsync<double[]>(
            "() => [...document.querySelectorAll('svg.chart-svg text')].map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)");
        Assert.True(sizes.Length >= 4, $"only {sizes.Length} chart labels found");
        Assert.True(sizes.Min() >= 11, $"a chart label is drawn at {sizes.Min():0.0} px on a phone (smallest of {sizes.Length})");
    }

    /// <summary>In Kestrel mode the in-memory API client is not there: read the demo id from the database.</summary>
    private static async Task<Guid> EngagementAsync(TandemApp app, string titleContains)
    {
        var id = Guid.Empty;
        await app.WithDbAsync(async db => id = (await db.Engagements.FirstAsync(e => e.Title.Contains(titleContains), TestContext.Current.CancellationToken)).Id);
        return id;
    }
}
