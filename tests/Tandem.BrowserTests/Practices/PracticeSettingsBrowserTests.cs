using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Practices;

/// <summary>
/// Issue 21, practice settings: the admin sets a brand colour (a pale one is refused with a sentence),
/// uploads a logo, and the practice's sign-in page shows both.
/// </summary>
public sealed class PracticeSettingsBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task The_admin_brands_the_practice_and_its_sign_in_page_shows_it(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var viewport = new ViewportSize { Width = width, Height = height };
        var page = await BrowserSession.NewPageAsync(browser, app, viewport);
        await BrowserSession.SignInAsync(page, "admin@riverside.test");
        await page.GotoAsync("/practice/settings");

        await page.GetByLabel("Brand colour").FillAsync("#f5c400");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("White text on #f5c400 has a contrast of");

        await page.GetByLabel("Brand colour").FillAsync("#7a2e8c");
        await page.GetByLabel("Address").FillAsync("1 Quay Street\nRiverside");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Saved.");

        await page.GetByLabel("PNG or JPEG, up to 200 KB").SetInputFilesAsync(new FilePayload
        {
            Name = "logo.png",
            MimeType = "image/png",
            // A 120x40 PNG: two circles and a stripe.
            Buffer = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAHgAAAAoCAIAAAC6iKlyAAAAvElEQVR42u3asQ3CMBAFUG9CT8Ei7EFLnxFQdjYdQshK7HAJiXlfv/Q1r/RdyrJJEgLQoAV0J9Cn+226xanH9Txd0A3ERe5Z4v/hTrHE721S7p47raTMugH6S2XWVdAhyqxnoAOVWYP+NXS4MuujQg+X8aO7elMFvZJyrDVo0KBBgwYNGjRo0KBBgwZ9fGh/HaD9R1MGbWdoZ2gL7q6jZ+jsUmkz6AXcrynEzdCV3MUp16TZfTRo0AJ6z3kCAbzrienhMlUAAAAASUVORK5CYII="),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload the logo" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("The logo is saved.");
        await Assertions.Expect(page.Locator("img.practice-logo")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"practice-settings-{width}");

        var practiceId = Guid.Empty;
        await app.WithDbAsync(async db => practiceId = await db.Users.IgnoreQueryFilters().Where(u => u.Email == "admin@riverside.test").Select(u => u.PracticeId).SingleAsync());
        var stranger = await BrowserSession.NewPageAsync(browser, app, viewport);
        await stranger.GotoAsync($"/Account/Login?practice={practiceId}");
        var brand = stranger.Locator(".practice-brand");
        await Assertions.Expect(brand).ToContainTextAsync("Riverside");
        await Assertions.Expect(brand).ToHaveCSSAsync("background-color", "rgb(122, 46, 140)");
        await Assertions.Expect(brand.Locator("img.practice-logo")).ToBeVisibleAsync();
        Assert.Empty(BrowserSession.RequestsOutsideTandem(stranger));
        await BrowserSession.AssertAccessibleAsync(stranger);
        await BrowserSession.ScreenshotAsync(stranger, $"sign-in-branded-{width}");

        // A client reads the address from "Your practice", linked from every page's footer.
        await BrowserSession.SignInAsync(stranger, "sam@riverside.test");
        await BrowserSession.FollowLinkAsync(stranger, "Your practice: address, online sessions, crisis help", "/practice/about");
        await Assertions.Expect(stranger.Locator(".address")).ToContainTextAsync("1 Quay Street");
        await BrowserSession.AssertAccessibleAsync(stranger);
    }
}
