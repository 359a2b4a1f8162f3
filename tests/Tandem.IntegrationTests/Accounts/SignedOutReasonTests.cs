using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>Issue 22: whenever Tandem signs someone out, the sign-in page says why, in words and without anything about the account.</summary>
public sealed class SignedOutReasonTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_browser_signed_out_from_another_device_is_told_so_on_the_sign_in_page()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(browser, "sam@riverside.test"))
        {
        }

        using (var before = await browser.GetAsync("/", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // On the phone, Sam ends every other sign-in.
        using var phone = await app.ClientForAsync("sam@riverside.test");
        await phone.PostJsonAsync("/api/me/sessions/end-others", null, HttpStatusCode.OK);

        using var after = await browser.GetAsync("/engagements", Ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        var location = after.Headers.Location!.ToString();
        Assert.Contains("/Account/Login", location, StringComparison.Ordinal);
        Assert.Contains("ended=ended-by-person", location, StringComparison.Ordinal);

        var page = await browser.GetStringAsync(location, Ct);
        Assert.Contains("You were signed out from another device", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_page_ignores_a_reason_it_does_not_know()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        var page = await browser.GetStringAsync("/Account/Login?ended=%3Cscript%3E", Ct);
        Assert.DoesNotContain("You were signed out", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
    }
}
