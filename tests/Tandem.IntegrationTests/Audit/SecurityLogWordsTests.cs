using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// Issue 21, "Security log in plain words": a practice admin reads what happened, not event codes.
/// One failed sign-in is one entry, whether it came through the sign-in page or the app; the words
/// say how (password, code, passkey; page or app) without raw method names, object types or ids.
/// </summary>
public sealed partial class SecurityLogWordsTests
{
    private static readonly string[] Outcomes = ["Done", "Failed", "Refused"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_failed_sign_in_is_one_entry_in_plain_words_through_the_page_and_the_app()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var before = await LatestIdAsync(admin);

        // A wrong password on the sign-in page, as a browser sends it.
        using (var browser = app.CreateAnonymousClient())
        {
            using var refused = await PageForms.SignInAsync(browser, "alex@riverside.test", "not the password");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        }

        var page = await EntriesAfterAsync(admin, before);
        var pageEntry = Assert.Single(page);
        Assert.Equal("Sign-in failed: wrong password", pageEntry.Str("event"));
        Assert.Equal("Alex Rivera", pageEntry.Str("who"));

        // The same through the app (API).
        before = await LatestIdAsync(admin);
        using (var api = app.CreateAnonymousClient())
        {
            using var refused = await api.PostAsJsonAsync("/api/auth/login", new { email = "alex@riverside.test", password = "not the password" }, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var apiEntry = Assert.Single(await EntriesAfterAsync(admin, before));
        Assert.Equal("Sign-in failed in the app: wrong password", apiEntry.Str("event"));

        // An address nobody has an account for: one entry, saying so, with nobody named.
        before = await LatestIdAsync(admin);
        using (var api = app.CreateAnonymousClient())
        {
            using var refused = await api.PostAsJsonAsync("/api/auth/login", new { email = "nobody@riverside.test", password = "not the password" }, Ct);
        }

        // (An unknown address belongs to no practice: Riverside's log does not show it.)
        Assert.Empty(await EntriesAfterAsync(admin, before));

        // A two-step sign-in with a wrong code: the person tried once, so one line, saying what went wrong.
        var key = await EnableAuthenticatorAsync(app, "sam@riverside.test");
        before = await LatestIdAsync(admin);
        using (var browser = app.CreateAnonymousClient())
        {
            using var first = await PageForms.SignInAsync(browser, "sam@riverside.test");
            using var second = await PageForms.SubmitAsync(browser, "/Account/LoginWith2fa", "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = "000000", ["RememberMe"] = "False" });
        }

        var twoStep = Assert.Single(await EntriesAfterAsync(admin, before));
        Assert.Equal("Sign-in failed: wrong authenticator code", twoStep.Str("event"));
        Assert.Equal("Sam Okafor", twoStep.Str("who"));

        // And with the right code: one line, signed in.
        before = await LatestIdAsync(admin);
        using (var browser = app.CreateAnonymousClient())
        {
            using var first = await PageForms.SignInAsync(browser, "sam@riverside.test");
            using var second = await PageForms.SubmitAsync(browser, "/Account/LoginWith2fa", "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime), ["RememberMe"] = "False" });
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        }

        Assert.Equal("Signed in with an authenticator code", Assert.Single(await EntriesAfterAsync(admin, before)).Str("event"));

        // Nothing in the whole log reads like a code: no dotted type names, no method codes in
        // brackets, no bare ids, no enum names as outcomes.
        var log = (await admin.GetJsonAsync("/api/practice/security-log?take=500")).EnumerateArray().ToList();
        var raw = log.Select(e => e.Str("event") + " | " + e.Str("detail")).Where(w => RawCode().IsMatch(w)).Distinct().ToList();
        Assert.True(raw.Count == 0, "the security log says:\n" + string.Join("\n", raw));

        Assert.All(log, e => Assert.Contains(e.Str("outcome"), Outcomes));
    }

    private static async Task<string> EnableAuthenticatorAsync(TandemApp app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Tandem.Features.Accounts.TandemUser>>();
        using var system = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>().AsSystem();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        await users.SetTwoFactorEnabledAsync(user, true);
        return key;
    }

    private static async Task<long> LatestIdAsync(HttpClient admin) =>
        (await admin.GetJsonAsync("/api/practice/security-log?take=1")).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).DefaultIfEmpty(0).Max();

    /// <summary>Entries newer than <paramref name="after"/>, leaving out the admin's own reads of the log.</summary>
    private static async Task<List<JsonElement>> EntriesAfterAsync(HttpClient admin, long after) =>
        (await admin.GetJsonAsync("/api/practice/security-log?take=50")).EnumerateArray()
            .Where(e => e.GetProperty("id").GetInt64() > after && e.Str("who") != "Dana Whitfield")
            .ToList();

    // "Account.Role", "SignIn", "(api-password)", "(totp)", a GUID, "Success"/"Failure" as words.
    [GeneratedRegex(@"\b[A-Z][a-z]+\.[A-Z][a-zA-Z]+\b|\b[A-Z][a-z]+[A-Z][a-zA-Z]*\b|\bSignIn\w*\b|\((api|password|totp|recovery-code|passkey|api-password)[^)]*\)|[0-9a-f]{8}-[0-9a-f]{4}-|\b(Success|Failure)\b")]
    private static partial Regex RawCode();
}
