using System.Text.Json;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Export;

/// <summary>Issue 9, self-service: a client downloads their record as FHIR JSON and opens a printable record.</summary>
public sealed class RecordDownloadTests(BrowserFixture browser)
{
    [Fact]
    public async Task Riley_downloads_the_record_and_prints_it()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(page, "riley@riverside.test");

        await page.GetByRole(AriaRole.Link, new() { Name = "Riley and Avery" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your record" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Health data file (FHIR)" }).ClickAsync());
        Assert.EndsWith(".fhir.json", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)))
        {
            Assert.Equal("Bundle", json.RootElement.GetProperty("resourceType").GetString());
            Assert.Equal("collection", json.RootElement.GetProperty("type").GetString());
            Assert.True(json.RootElement.GetProperty("entry").GetArrayLength() > 10);
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Your record (PDF-ready page)" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Record: Riley and Avery", Exact = false })).ToBeVisibleAsync();
        foreach (var section in new[] { "Our plan", "Sessions and notes", "Questionnaires", "Messages" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = section, Exact = true })).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "One-to-one with Riley", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("One-to-one with Avery")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Health data file (FHIR)" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "record-printable-screen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "record-printable-screen-top.png") });

        // On paper: no site navigation and no buttons.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Health data file (FHIR)" })).ToBeHiddenAsync();
        await BrowserSession.ScreenshotAsync(page, "record-printable-print");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "record-printable-print-top.png") });
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = false });
        Assert.True(pdf.Length > 1000);
    }

    /// <summary>Issue 22: the printable record fits a phone (nothing wider than the screen, the menu collapsed) and prints cleanly from it.</summary>
    [Fact]
    public async Task The_printable_record_fits_a_phone_and_prints_without_the_page_around_it()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(page, "sam@riverside.test");
        Guid sams = Guid.Empty;
        await app.WithDbAsync(async db => sams = (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Engagements, e => e.Title.Contains("footing"), TestContext.Current.CancellationToken)).Id);
        await page.GotoAsync($"/engagements/{sams}/record");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Record:", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the record is wider than the phone");
        var wide = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 391).map(e => e.tagName + '.' + e.className)");
        Assert.True(wide.Length == 0, "wider than the phone: " + string.Join(", ", wide.Take(10)));
        await BrowserSession.AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "record-printable-phone-top.png") });

        // Printed from the phone: no header, menu, buttons or footer; the text fills the paper without running off it.
        // A phone prints on paper, not at its screen's width: A4 less the browser's margins is about 700 CSS pixels.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await page.SetViewportSizeAsync(700, 990);
        foreach (var hidden in new[] { ".site-header", "footer", ".button-row" })
        {
            foreach (var element in await page.Locator(hidden).AllAsync())
            {
                await Assertions.Expect(element).ToBeHiddenAsync();
            }
        }

        var printedWide = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 701).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))");
        Assert.True(printedWide.Length == 0 && await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 700,
            "the printed record is wider than the page: " + string.Join(", ", printedWide.Take(10)));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "record-printable-print-from-phone.png") });
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = false });
        Assert.True(pdf.Length > 1000);
    }
}
