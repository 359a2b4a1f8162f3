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
}
