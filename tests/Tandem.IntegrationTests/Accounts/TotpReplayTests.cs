using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Tandem.Features.Accounts;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>Issue 19, finding 12: an authenticator code works once; the same code (or an earlier one) again is refused, on the API and the page.</summary>
public sealed class TotpReplayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_used_authenticator_code_is_refused_on_the_api_and_the_page()
    {
        await using var app = await TandemApp.StartAsync();
        var totp = new Totp(Base32Encoding.ToBytes(await EnableAuthenticatorAsync(app, "morgan@riverside.test")));
        string Code(TimeSpan offset = default) => totp.ComputeTotp((app.Clock.GetUtcNow() + offset).UtcDateTime);

        var first = Code();
        Assert.Equal(HttpStatusCode.OK, await ApiLoginAsync(app, first));
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiLoginAsync(app, first));

        // The page refuses the same code, with a browser of its own.
        using var browser = app.CreateAnonymousClient();
        using (var password = await PageForms.SignInAsync(browser, "morgan@riverside.test"))
        {
            Assert.Contains("LoginWith2fa", password.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        using (var replay = await SecondFactorAsync(browser, first))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Contains("That code did not work", await replay.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me", Ct)).StatusCode);

        // The next code works once on the page; an earlier one, still inside the allowed drift, does not.
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        using (var next = await SecondFactorAsync(browser, Code()))
        {
            Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiLoginAsync(app, Code(TimeSpan.FromSeconds(-30))));
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiLoginAsync(app, Code()));
        Figures.Print("authenticator codes: a used code refused again on the API and the page; the next step's code works once");
    }

    [Fact]
    public async Task Two_requests_racing_with_one_code_cannot_both_sign_in()
    {
        await using var app = await TandemApp.StartAsync();
        var totp = new Totp(Base32Encoding.ToBytes(await EnableAuthenticatorAsync(app, "morgan@riverside.test")));
        var code = totp.ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ApiLoginAsync(app, code)));
        Assert.Equal(1, results.Count(r => r == HttpStatusCode.OK));
    }

    private static async Task<string> EnableAuthenticatorAsync(TandemApp app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
        var tenant = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>();
        using var system = tenant.AsSystem();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        await users.SetTwoFactorEnabledAsync(user, true);
        return key;
    }

    private static async Task<HttpStatusCode> ApiLoginAsync(TandemApp app, string code)
    {
        using var client = app.CreateAnonymousClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "morgan@riverside.test", password = TandemApp.DemoPassword, twoFactorCode = code }, Ct);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> SecondFactorAsync(HttpClient browser, string code) =>
        PageForms.SubmitAsync(browser, "/Account/LoginWith2fa", "login-with-2fa", new Dictionary<string, string>
        {
            ["Input.TwoFactorCode"] = code,
            ["RememberMe"] = "False",
        });
}
