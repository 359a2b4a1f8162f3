using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>Issue 22, account pages in Tandem's voice: a message says what happened, without the template's "Error:" prefix.</summary>
public sealed class AccountVoiceTests
{
    [Fact]
    public async Task A_failed_sign_in_says_what_happened_without_an_Error_prefix_and_still_reads_as_a_problem()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();

        using var answer = await PageForms.SignInAsync(browser, "sam@riverside.test", "not-Sams-password-2026");
        var html = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("Sign-in failed. Check your email and password.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Error:", html, StringComparison.Ordinal);
        Assert.Contains("alert-danger", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_lands_on_a_page_that_says_so()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = await Security.CrossSiteTests.CookieClientAsync(app, "sam@riverside.test");

        // The header's form posts an empty return address.
        using var signOut = await PageForms.SubmitWithTokenOfAsync(client, "/Account/Manage", "/Account/Logout", "logout", new Dictionary<string, string> { ["ReturnUrl"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/Account/SignedOut", signOut.Headers.Location!.OriginalString);

        using var page = await client.GetAsync("/Account/SignedOut", TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("You are signed out", html, StringComparison.Ordinal);
        Assert.Contains("href=\"Account/Login\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Account/Manage", TestContext.Current.CancellationToken)).StatusCode);
    }
}
