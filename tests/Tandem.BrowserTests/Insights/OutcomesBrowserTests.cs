using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Insights;

/// <summary>Issue 10: the outcome report in a real browser, for the practice admin and a therapist.</summary>
public sealed class OutcomesBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_admin_reads_plausible_figures_by_format_and_therapist_with_definitions_one_click_away()
    {
        await using var app = await BrowserSession.StartAppAsync(formerClients: true);
        var page = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(page, "admin@riverside.test");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Outcomes" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Outcomes and collaboration", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Whole practice");
        var change = page.GetByRole(AriaRole.Table, new() { Name = "Change in PHQ-9 and GAD-7 scores" });
        await Assertions.Expect(change.GetByRole(AriaRole.Row, new() { Name = "Reliable improvement" })).ToContainTextAsync("%");
        await Assertions.Expect(change.GetByRole(AriaRole.Row, new() { Name = "Effect size" })).ToContainTextAsync("95% CI");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Outcomes by format, PHQ-9 and GAD-7 together" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Collaboration Check means over time" })).ToBeVisibleAsync();
        var byTherapist = page.GetByRole(AriaRole.Table, new() { Name = "Figures by therapist" });
        await Assertions.Expect(byTherapist.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Assertions.Expect(byTherapist).ToContainTextAsync("Alex Rivera");
        await Assertions.Expect(page.GetByText("Sam Okafor")).ToHaveCountAsync(0);

        // One click from a figure to its definition.
        await change.GetByRole(AriaRole.Link, new() { Name = "Reliable recovery" }).ClickAsync();
        Assert.EndsWith("#def-reliable-recovery", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#def-reliable-recovery + dd")).ToContainTextAsync("recovered and also reliably improved");

        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "outcomes-admin-desktop");

        // A period with nothing in it says so plainly.
        await page.GetByLabel("From", new() { Exact = true }).FillAsync("2001-01-01");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2001-12-31");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No engagements were open in this period")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("NaN")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_therapist_on_a_phone_sees_their_own_caseload()
    {
        await using var app = await BrowserSession.StartAppAsync(formerClients: true);
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(page, "morgan@riverside.test");
        await page.GotoAsync("practice/outcomes");

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your caseload");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Figures by therapist" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download de-identified CSV" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Figures by format" })).ToContainTextAsync("Client-led");

        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "outcomes-therapist-phone");
    }
}
