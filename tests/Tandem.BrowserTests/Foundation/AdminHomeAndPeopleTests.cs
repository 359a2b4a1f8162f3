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

    [Theory]
    [InlineData(1366, 900)]
    [InlineData(390, 844)]
    public async Task The_admin_invites_a_client_is_told_about_an_existing_account_resends_withdraws_and_sends_a_password_link(int width, int height)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = height });
        await BrowserSession.SignInAsync(page, "admin@riverside.test");
        await page.GotoAsync("/practice/people");
        var status = page.GetByRole(AriaRole.Status).First;

        // A client, not only a therapist.
        await page.GetByLabel("Their email address").FillAsync("quinn@example.test");
        await page.GetByRole(AriaRole.Radio, new() { Name = "A client" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the invitation", Exact = true }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("The invitation to quinn@example.test is on its way, as a client.");
        var pending = page.Locator("table.pending tbody tr", new() { HasText = "quinn@example.test" });
        await Assertions.Expect(pending).ToContainTextAsync("Client");

        // Someone who is here already: said, not sent.
        await page.GetByLabel("Their email address").FillAsync("sam@riverside.test");
        await page.GetByRole(AriaRole.Radio, new() { Name = "A client" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the invitation", Exact = true }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("sam@riverside.test already has an account in this practice, as a client: Sam Okafor. No invitation was sent.");
        await Assertions.Expect(page.Locator("table.pending tbody tr", new() { HasText = "sam@riverside.test" })).ToHaveCountAsync(0);
        await BrowserSession.AssertNoSidewaysScrollAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"people-invite-client-{width}");

        // Resend, then withdraw.
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend the invitation to quinn@example.test" }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("A new invitation is on its way to quinn@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw the invitation to quinn@example.test" }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("The invitation to quinn@example.test is withdrawn");
        await Assertions.Expect(pending).ToHaveCountAsync(0);

        // A password link for someone who has forgotten theirs.
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a password link to Jordan Ellis" }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("A link to choose a new password is on its way to Jordan Ellis");
        await BrowserSession.AssertAccessibleAsync(page);
    }
}
