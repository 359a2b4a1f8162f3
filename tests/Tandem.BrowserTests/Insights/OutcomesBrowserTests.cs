using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Insights;

/// <summary>Issues 10 and 20: the outcome report in a real browser, for the practice admin and a therapist.</summary>
public sealed class OutcomesBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_admin_reads_finished_courses_beside_those_in_treatment_with_definitions_one_click_away()
    {
        await using var app = await BrowserSession.StartAppAsync(formerClients: true);
        var page = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(page, "admin@riverside.test");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Outcomes" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Outcomes and collaboration", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Whole practice, Q");

        // A year: finished courses (comparable) and those still in treatment (clearly not).
        var year = (app.TodayIn().Year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByLabel("Period", new() { Exact = true }).SelectOptionAsync(year);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Whole practice, {year}.");
        var finished = page.GetByRole(AriaRole.Table, new() { Name = "Finished courses, PHQ-9 and GAD-7 together" });
        await Assertions.Expect(finished.GetByRole(AriaRole.Columnheader, new() { Name = "Client-led" })).ToBeVisibleAsync();
        await Assertions.Expect(finished.GetByRole(AriaRole.Row, new() { Name = "Finished courses" }).GetByRole(AriaRole.Cell).First).Not.ToHaveTextAsync("not shown");
        await Assertions.Expect(finished).ToContainTextAsync("%");
        await Assertions.Expect(finished.GetByRole(AriaRole.Row, new() { Name = "Reliable improvement" })).ToBeVisibleAsync();
        await Assertions.Expect(finished.GetByRole(AriaRole.Row, new() { Name = "Mixed" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "PHQ-9 and GAD-7 on their own, finished courses" }).GetByRole(AriaRole.Row, new() { Name = "Effect size" })).ToContainTextAsync("95% CI");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Still in treatment on 31 December {year}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("These courses have not finished")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Finished courses by format, PHQ-9 and GAD-7 together" })).ToBeVisibleAsync();
        var byTherapist = page.GetByRole(AriaRole.Table, new() { Name = "Figures by therapist" });
        await Assertions.Expect(byTherapist).ToContainTextAsync("Alex Rivera");
        await Assertions.Expect(page.GetByText("Sam Okafor")).ToHaveCountAsync(0);

        // Engagement counts say what they count, never "open".
        var activity = page.GetByRole(AriaRole.Region, new() { Name = "Activity" });
        foreach (var label in new[] { "Engagements started", "Active", "Paused", "Engagements ended", "Sessions held" })
        {
            await Assertions.Expect(activity.GetByRole(AriaRole.Heading, new() { Name = label, Exact = true })).ToBeVisibleAsync();
        }

        await Assertions.Expect(activity.GetByText("open", new() { Exact = true })).ToHaveCountAsync(0);

        // The CSV says how many rows it holds and how many were withheld.
        await Assertions.Expect(page.GetByText("withheld")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download the CSV" })).ToHaveAttributeAsync("href", $"api/practice/outcomes.csv?period={year}");

        // One click from a figure to its definition.
        await finished.GetByRole(AriaRole.Link, new() { Name = "Mixed" }).ClickAsync();
        Assert.EndsWith("#def-mixed", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#def-mixed + dd")).ToContainTextAsync("neither improvement nor deterioration");
        await Assertions.Expect(page.Locator("#def-response + dd")).ToContainTextAsync("50%");
        await Assertions.Expect(page.Locator("#def-remission + dd")).ToContainTextAsync("below 5");

        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "outcomes-admin-desktop");

        // Days in between widen to a whole period, and the page says so.
        var today = app.TodayIn();
        var month = new DateTime(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1).AddMonths(-1);
        await page.GotoAsync($"practice/outcomes?from={month:yyyy-MM}-05&to={month:yyyy-MM}-20");
        await Assertions.Expect(page.GetByText("Reports cover whole calendar months, quarters or years")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Finished courses are reported by quarter and by year")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "By therapist" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Each therapist's own figures are shown for whole years")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "See the quarter", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Whole practice, Q");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Finished courses, PHQ-9 and GAD-7 together" }).GetByRole(AriaRole.Columnheader, new() { Name = "Whole practice" })).ToBeVisibleAsync();

        // A period still running is not shown, and the page says why.
        await page.GotoAsync($"practice/outcomes?period={today.Year}");
        await Assertions.Expect(page.GetByText("is not over yet")).ToBeVisibleAsync();
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
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download the CSV" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Finished courses, PHQ-9 and GAD-7 together" })).ToContainTextAsync("Your caseload");
        await Assertions.Expect(page.GetByText("Client-led and therapist-led, and each therapist, are shown for whole years.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Courses still in treatment at the end of the period" })).ToContainTextAsync("Client-led");

        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "outcomes-therapist-phone");
    }
}
