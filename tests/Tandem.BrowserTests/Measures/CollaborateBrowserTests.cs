using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Measures;

/// <summary>
/// Issue 24: Sam answers CollaboRATE on a phone, one question per screen, after a plan change was
/// agreed (the offer is put in place directly here; the integration tests cover how agreements
/// make it), and Alex reads the engagement's share of top scores and mean at 1366 px.
/// </summary>
public sealed class CollaborateBrowserTests(BrowserFixture browser)
{
    private static readonly ViewportSize Laptop = new() { Width = 1366, Height = 900 };

    [Fact]
    public async Task Sam_answers_CollaboRATE_on_a_phone_one_question_at_a_time_and_Alex_sees_the_result_on_the_progress_page()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var ct = TestContext.Current.CancellationToken;
        Guid sams = Guid.Empty;
        await app.WithDbAsync(async db =>
        {
            var engagement = await db.Engagements.Include(e => e.Participants).FirstAsync(e => e.Title.Contains("footing"), ct);
            var sam = await db.Users.FirstAsync(u => u.Email == "sam@riverside.test", ct);
            sams = engagement.Id;
            db.Add(MeasureOffer.Create(engagement, sam.Id, InstrumentCatalog.Collaborate, MeasureOffer.PlanChangeAgreed, null, app.Clock.GetUtcNow(), OfferCollaborate.OpenFor));
            await db.SaveChangesAsync(ct);
        });

        var phone = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(phone, "sam@riverside.test");
        await phone.GotoAsync($"/engagements/{sams}/measures");
        var ask = phone.GetByRole(AriaRole.Link, new() { Name = "Fill in the Shared decisions (CollaboRATE)" });
        await Assertions.Expect(ask).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByText("About the plan change agreed on").First).ToBeVisibleAsync();
        await ask.ClickAsync();
        await phone.GetByRole(AriaRole.Link, new() { Name = "Show one question at a time" }).ClickAsync();

        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Shared decisions (CollaboRATE)", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByText("Question 1 of 3")).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByText("How much effort was made to help you understand your health issues?")).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByText("Creative Commons Attribution-NonCommercial-NoDerivs 3.0", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(phone);
        await BrowserSession.ScreenshotAsync(phone, "collaborate-question-phone");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the question is wider than the phone");

        await phone.GetByLabel("9 - Every effort was made").CheckAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(phone.GetByText("Question 2 of 3")).ToBeVisibleAsync();
        await phone.GetByLabel("9 - Every effort was made").CheckAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(phone.GetByText("Question 3 of 3")).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByText("How much effort was made to include what matters most to you in choosing what to do next?")).ToBeVisibleAsync();
        await phone.GetByLabel("7", new() { Exact = true }).CheckAsync();
        await BrowserSession.ScreenshotAsync(phone, "collaborate-last-question-phone");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).ClickAsync();

        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your answers are saved" })).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByText("your therapist sees them too", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(phone);
        await BrowserSession.ScreenshotAsync(phone, "collaborate-saved-phone");
        await phone.GotoAsync($"/engagements/{sams}/measures");
        await Assertions.Expect(phone.GetByRole(AriaRole.Link, new() { Name = "Fill in the Shared decisions (CollaboRATE)" })).ToHaveCountAsync(0);

        var alex = await BrowserSession.NewPageAsync(browser, app, Laptop);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync($"/engagements/{sams}/progress");
        var card = alex.Locator("section.shared-decisions");
        await Assertions.Expect(card.GetByRole(AriaRole.Heading, new() { Name = "Shared decisions (CollaboRATE): Sam", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("[data-figure=count]")).ToHaveTextAsync("1");
        await Assertions.Expect(card.Locator("[data-figure=top-share]")).ToHaveTextAsync("0%");
        await Assertions.Expect(card.Locator("[data-figure=mean]")).ToHaveTextAsync("8.3"); // (9 + 9 + 7) / 3
        await card.ScrollIntoViewIfNeededAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await card.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "collaborate-progress-therapist-1366.png") });
        await BrowserSession.ScreenshotAsync(alex, "collaborate-progress-therapist-page-1366");

        await phone.GotoAsync($"/engagements/{sams}/progress");
        await Assertions.Expect(phone.Locator("section.shared-decisions [data-figure=mean]")).ToHaveTextAsync("8.3");
        await phone.Locator("section.shared-decisions").ScrollIntoViewIfNeededAsync();
        await BrowserSession.AssertAccessibleAsync(phone);
        await phone.Locator("section.shared-decisions").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "collaborate-progress-client-phone.png") });
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "progress is wider than the phone");
    }
}
