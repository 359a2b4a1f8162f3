using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Measures;

/// <summary>Issue 9, import: a therapist uploads a Questionnaire file, checks its preview and enables it.</summary>
public sealed class ImportBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Alex_uploads_a_Questionnaire_sees_its_questions_and_scoring_and_enables_it()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Instruments" }).ClickAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Instruments", Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(alex);

        // A file that is not a Questionnaire is explained, and nothing is saved.
        await alex.GetByLabel("FHIR Questionnaire (JSON file, at most 1 MB)").SetInputFilesAsync(new FilePayload
        {
            Name = "patient.json",
            MimeType = "application/json",
            Buffer = Encoding.UTF8.GetBytes("""{"resourceType": "Patient"}"""),
        });
        await alex.GetByRole(AriaRole.Button, new() { Name = "Upload and preview" }).ClickAsync();
        var error = alex.GetByRole(AriaRole.Alert).Filter(new() { HasText = "not a Questionnaire" });
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("Nothing was saved.");
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "import-error-desktop");

        await alex.GetByLabel("FHIR Questionnaire (JSON file, at most 1 MB)").SetInputFilesAsync(new FilePayload
        {
            Name = "mood-check.json",
            MimeType = "application/fhir+json",
            Buffer = Encoding.UTF8.GetBytes(SampleQuestionnaires.MoodCheck()),
        });
        await alex.GetByRole(AriaRole.Button, new() { Name = "Upload and preview" }).ClickAsync();

        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Mood check", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByText("Draft: not in use")).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByText("Total score: the sum of the answer values of 2 scored questions, from 0 to 6.")).ToBeVisibleAsync();
        await Assertions.Expect(alex.Locator(".preview-items > li")).ToHaveCountAsync(3);
        await Assertions.Expect(alex.GetByRole(AriaRole.List, new() { Name = "Answers of “How did you sleep?”" })).ToContainTextAsync("Very well = 3");
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "import-preview-desktop");

        var phone = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(phone, "alex@riverside.test");
        await phone.GotoAsync(alex.Url);
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Mood check", Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(phone);
        await BrowserSession.ScreenshotAsync(phone, "import-preview-phone");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the preview is wider than the phone");

        await alex.GetByRole(AriaRole.Button, new() { Name = "Enable Mood check" }).ClickAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Status)).ToContainTextAsync("Mood check is enabled");
        await Assertions.Expect(alex.Locator(".page-header .badge")).ToHaveTextAsync("Enabled");
        await BrowserSession.AssertAccessibleAsync(alex);

        await alex.GotoAsync("/practice/instruments");
        await Assertions.Expect(alex.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Mood check" })).ToContainTextAsync("Enabled");
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "import-list-desktop");
        await phone.GotoAsync("/practice/instruments");
        await BrowserSession.AssertAccessibleAsync(phone);
        await BrowserSession.ScreenshotAsync(phone, "import-list-phone");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the list is wider than the phone");

        // Sam answers it twice; on Sam's phone the progress page charts it beside the built-ins, saying what it is.
        var sams = await Sessions.SessionSafetyTests.SamsEngagementAsync(app);
        using (var samApi = await Sessions.SessionSafetyTests.ApiAsync(app, "sam@riverside.test"))
        {
            foreach (var (mood, sleep) in new[] { (1, 0), (0, 2), (3, 2) })
            {
                await samApi.PostJsonAsync($"/api/engagements/{sams}/responses", new { instrumentId = "mood-check", answers = new object[] { new { linkId = "mood", value = mood }, new { linkId = "sleep", value = sleep } } }, System.Net.HttpStatusCode.Created);
            }
        }

        // Two weeks apart, as answers come in real use.
        await app.WithDbAsync(async db =>
        {
            var ids = await db.Set<Tandem.Features.Measures.MeasureResponse>().Where(r => r.InstrumentId == "mood-check").OrderBy(r => r.SubmittedAt).Select(r => r.Id).ToListAsync(TestContext.Current.CancellationToken);
            for (var i = 0; i < ids.Count; i++)
            {
                var at = DateTimeOffset.UtcNow.AddDays(-14 * (ids.Count - 1 - i));
                await db.Set<Tandem.Features.Measures.MeasureResponse>().Where(r => r.Id == ids[i]).ExecuteUpdateAsync(u => u.SetProperty(r => r.SubmittedAt, at), TestContext.Current.CancellationToken);
            }
        });

        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await sam.GotoAsync($"/engagements/{sams}/progress");
        var card = sam.Locator("article.measure-card").Filter(new() { Has = sam.GetByRole(AriaRole.Heading, new() { Name = "Mood check", Exact = true }) });
        await Assertions.Expect(card).ToContainTextAsync("Imported by your practice");
        await Assertions.Expect(card.Locator("svg")).ToBeVisibleAsync();
        await card.ScrollIntoViewIfNeededAsync();
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "progress-imported-phone");
        Assert.True(await sam.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the progress page is wider than the phone");
    }
}
