using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Features.Measures.Expected;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Measures;

/// <summary>Issue 24: the client fills in their side on a phone; the therapist theirs at 1366 px; both sides in the next session's room.</summary>
public sealed class OffTrackReviewBrowserTests(BrowserFixture browser)
{
    private static readonly ViewportSize Laptop = new() { Width = 1366, Height = 900 };

    private static readonly string[] Phq9Items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];

    private static object Phq9Totalling(int total) => new
    {
        instrumentId = "phq-9",
        answers = Phq9Items.Select((l, i) => new { linkId = l, value = (object)(l == "44260-8" ? 0 : Math.Clamp(total - (3 * i), 0, 3)) }).ToArray(),
    };

    private static async Task AssertFitsAsync(IPage page, int width) =>
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= width, $"{page.Url} is wider than {width} px");

    [Fact]
    public async Task The_client_answers_on_a_phone_the_therapist_at_1366_and_both_sides_show_in_the_next_session()
    {
        await using var app = await BrowserSession.StartAppAsync(formerClients: true);
        await app.Services.GetRequiredService<ExpectedCurveRefresh>().RefreshAsync(TestContext.Current.CancellationToken);
        var email = $"robin-{Guid.NewGuid():N}@example.test";
        var (id, robinApi) = await NewClient.JoinAsync(app, clientEmail: email);
        using (robinApi)
        {
            // Moderate at intake, then (two weeks later) well above the practice's 75th percentile: not on track by the curve.
            await robinApi.PostJsonAsync($"/api/engagements/{id}/responses", Phq9Totalling(12), HttpStatusCode.Created);
        }

        app.Clock.Advance(TimeSpan.FromDays(14));
        using (var later = await app.ClientForAsync(email, NewClient.Password))
        {
            await later.PostJsonAsync($"/api/engagements/{id}/responses", Phq9Totalling(19), HttpStatusCode.Created);
        }

        // The client, on a phone, finds the check-in on the engagement's page.
        var robin = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(robin, email, NewClient.Password);
        await robin.GotoAsync($"/engagements/{id}");
        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "A short check-in on how the work is going" })).ToBeVisibleAsync();
        await robin.GetByRole(AriaRole.Link, new() { Name = "Open the check-in" }).ClickAsync();
        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "How is the work going for you?" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(robin);
        await AssertFitsAsync(robin, 390);
        await BrowserSession.ScreenshotAsync(robin, "review-client-form-phone");
        await robin.GetByLabel("How is the pace for you?").FillAsync("A bit fast. I need more time between the exercises.");
        await robin.GetByLabel("What is happening in your life at the moment?").FillAsync("A lot at work this month.");
        await robin.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).ClickAsync();
        await Assertions.Expect(robin.GetByText("Thank you: your answers are saved.").First).ToBeVisibleAsync();

        // The therapist at 1366 px: the progress chart with its expected range, then their side of the review.
        var alex = await BrowserSession.NewPageAsync(browser, app, Laptop);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync($"/engagements/{id}/progress");
        await Assertions.Expect(alex.Locator("polygon.expected-band").First).ToBeAttachedAsync();
        await Assertions.Expect(alex.GetByText("so not on track").First).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "review-progress-expected-band-1366");

        await alex.GotoAsync($"/engagements/{id}");
        await alex.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Open the review of") }).ClickAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Review: how the work is going with") })).ToBeVisibleAsync();
        // Robin's answers stay hidden until Alex has written his own.
        await Assertions.Expect(alex.GetByText("A lot at work this month.")).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(alex);
        await AssertFitsAsync(alex, 1366);
        await BrowserSession.ScreenshotAsync(alex, "review-therapist-form-1366");
        await alex.GetByLabel("Our working relationship").FillAsync("We agree on the goals; I may have pushed the pace.");
        await alex.GetByLabel("A different approach or format?").FillAsync("One exercise a week, and more time to talk it through.");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Save my side" }).ClickAsync();
        await Assertions.Expect(alex.GetByText("A lot at work this month.")).ToBeVisibleAsync();
        await alex.GetByLabel("What you agreed").FillAsync("One exercise a week, at a slower pace");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Make this a proposal" }).ClickAsync();
        await Assertions.Expect(alex.GetByText("Proposed.").First).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(alex, "review-side-by-side-1366");

        // The next session: both sides in the room, for Alex at 1366 and for Robin on the phone.
        Guid session;
        using (var alexApi = await app.ClientForAsync("alex@riverside.test"))
        {
            session = (await alexApi.PostJsonAsync($"/api/engagements/{id}/sessions", new { startsAt = app.Clock.GetUtcNow().AddDays(2), durationMinutes = 50, location = "Room 1" }, HttpStatusCode.Created)).Id();
        }

        await alex.GotoAsync($"/sessions/{session}");
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "How the work is going: both sides" })).ToBeVisibleAsync();
        await Assertions.Expect(alex.Locator(".room-reviews").GetByText("I may have pushed the pace.")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "review-session-room-1366");

        await robin.GotoAsync($"/sessions/{session}");
        await Assertions.Expect(robin.Locator(".room-reviews").GetByText("A bit fast.")).ToBeVisibleAsync();
        await Assertions.Expect(robin.Locator(".room-reviews").GetByText("One exercise a week, and more time to talk it through.")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(robin);
        await AssertFitsAsync(robin, 390);
        await BrowserSession.ScreenshotAsync(robin, "review-session-room-phone");
    }
}
