using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Foundation;

/// <summary>
/// Issue 21, practice admin: the home's counts lead somewhere (People filtered, pending invitations,
/// mail problems, the security log), and People is searched and filtered with plain GET forms.
/// </summary>
public sealed class AdminHomeAndPeopleTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task The_admin_goes_from_a_count_on_home_to_the_filtered_people_and_searches_them(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await BrowserSession.SignInAsync(page, "admin@riverside.test");
        await page.GotoAsync("/");

        var therapists = page.GetByRole(AriaRole.Link, new() { Name = "2 therapists" });
        await Assertions.Expect(therapists).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "0 pending invitations" })).ToHaveAttributeAsync("href", "practice/people?status=invited");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "0 mail problems" })).ToHaveAttributeAsync("href", "practice/settings#mail-problems-heading");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "0 security events to look at" })).ToHaveAttributeAsync("href", "practice/security?look=1");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"admin-home-{width}");

        await therapists.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("role=Therapist", StringComparison.Ordinal));
        var rows = page.Locator("table.people tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByLabel("Role")).ToHaveValueAsync("Therapist");
        await Assertions.Expect(page.GetByLabel("Status")).ToHaveValueAsync("active");

        await page.GetByLabel("Search by name or email").FillAsync("morgan");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        // The name searched for is posted, never put in the URL; the filters stay in it.
        Assert.DoesNotContain("morgan", page.Url, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("role=Therapist", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(rows.First).ToContainTextAsync("Morgan Chen");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"people-filtered-{width}");
    }
}
