using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 26, item 3: password recovery. Asking answers 202 whatever the address (QUALITY.md S8); the
/// emailed link works once and for an hour; setting the new password ends every session and token
/// (QUALITY.md S9), emails a notice and keeps passkeys and two-factor sign-in; the admin can send a link.
/// </summary>
public sealed partial class PasswordResetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string NewPassword = "copper meadow lantern 9";

    [Fact]
    public async Task Asking_for_a_link_answers_the_same_for_every_address_and_only_a_real_account_gets_mail()
    {
        await using var app = await TandemApp.StartAsync();
        await DeactivateAsync(app, "casey@riverside.test");
        using var anonymous = app.CreateAnonymousClient();
        var answers = new List<string>();
        foreach (var email in new[] { "sam@riverside.test", "nobody-at-all@riverside.test", "casey@riverside.test" })
        {
            using var response = await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email }, Ct);
            answers.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        Assert.Equal(["202 ", "202 ", "202 "], answers);
        var mail = await MailAsync(app, "sam@riverside.test", "password-reset");
        Assert.Contains("/Account/ResetPassword?email=sam%40riverside.test&token=", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("passkeys and two-factor sign-in stay", mail.TextBody, StringComparison.Ordinal);

        // The page says the same whatever the address.
        var pages = new List<string>();
        foreach (var email in new[] { "sam@riverside.test", "nobody-at-all@riverside.test" })
        {
            using var page = await PageForms.SubmitAsync(anonymous, "/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
            pages.Add(StatusText().Match(await page.Content.ReadAsStringAsync(Ct)).Value);
        }

        Assert.Equal(pages[0], pages[1]);
        Assert.Contains("If there is a Tandem account for that address", pages[0], StringComparison.Ordinal);
        await Task.Delay(500, Ct);
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Set<OutboxMessage>().AnyAsync(m => m.To == "nobody-at-all@riverside.test" || m.To == "casey@riverside.test" && m.Kind == "password-reset", Ct));
            // Asked for twice within two minutes: one email.
            Assert.Equal(1, await db.Set<OutboxMessage>().CountAsync(m => m.To == "sam@riverside.test" && m.Kind == "password-reset", Ct));
        });
    }

    [Fact]
    public async Task The_link_works_once_for_an_hour_ends_every_session_and_keeps_two_factor_sign_in()
    {
        await using var app = await TandemApp.StartAsync();
        var key = await EnableAuthenticatorAsync(app, "sam@riverside.test");
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "sam@riverside.test");
        using (var second = await PageForms.SubmitAsync(browser, "/Account/LoginWith2fa", "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = Code(app, key), ["RememberMe"] = "False" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me", Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var api = await LoginAsync(app, "sam@riverside.test", Demo(), Code(app, key));

        var (email, token) = await AskForLinkAsync(app);

        // A weak password is refused and leaves the link usable.
        using var anonymous = app.CreateAnonymousClient();
        await anonymous.PostJsonAsync("/api/auth/password-reset/confirm", new { email, token, newPassword = "1qaz2wsx3edc" }, HttpStatusCode.UnprocessableEntity);
        await anonymous.PostJsonAsync("/api/auth/password-reset/confirm", new { email, token, newPassword = NewPassword }, HttpStatusCode.NoContent);

        // Everything from before is over: the cookie, the bearer token, its refresh token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me", Ct)).StatusCode);
        using (var bearer = app.CreateAnonymousClient())
        {
            bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.AccessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/me", Ct)).StatusCode);
        }

        await anonymous.PostJsonAsync("/api/auth/refresh", new { refreshToken = api.RefreshToken }, HttpStatusCode.Unauthorized);

        // The link works once; the old password is gone; the new one works, with the same authenticator app.
        var again = await anonymous.PostJsonAsync("/api/auth/password-reset/confirm", new { email, token, newPassword = "another fresh password 7" }, HttpStatusCode.BadRequest);
        Assert.Equal(PasswordReset.InvalidLink, again.Str("title"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfLoginAsync(app, "sam@riverside.test", Demo(), null));
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfLoginAsync(app, "sam@riverside.test", NewPassword, null));
        Assert.Equal(HttpStatusCode.OK, await StatusOfLoginAsync(app, "sam@riverside.test", NewPassword, Code(app, key)));

        var notice = await MailAsync(app, "sam@riverside.test", "password-changed");
        Assert.Contains("every place you were signed in was signed out", notice.TextBody, StringComparison.Ordinal);
        await app.WithDbAsync(async db =>
        {
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "PasswordReset" && e.ObjectId == "completed", Ct));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "Account.Password", Ct));
            var sam = await db.Users.SingleAsync(u => u.Email == "sam@riverside.test", Ct);
            Assert.True(sam.TwoFactorEnabled);
        });
        using (var admin = await app.ClientForAsync("admin@riverside.test"))
        {
            var events = (await admin.GetJsonAsync("/api/practice/security-log?take=200")).EnumerateArray().Select(e => e.Str("event")).ToList();
            Assert.Contains("Password reset link emailed", events);
            Assert.Contains("Password set with a reset link", events);
            Assert.Contains("Password reset link refused", events);
        }

        // A link older than an hour does not work; the page says so in a sentence.
        var (_, late) = await AskForLinkAsync(app, after: TimeSpan.FromMinutes(3));
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        var expired = await anonymous.PostJsonAsync("/api/auth/password-reset/confirm", new { email, token = late, newPassword = "yet another password 8" }, HttpStatusCode.BadRequest);
        Assert.Equal(PasswordReset.InvalidLink, expired.Str("title"));
        Figures.Print("password reset: 202 for every address, link once and for an hour, cookie + bearer + refresh token of before answer 401 after it, two-factor kept");
    }

    [Fact]
    public async Task The_reset_page_sets_the_password_and_says_so()
    {
        await using var app = await TandemApp.StartAsync();
        var (email, token) = await AskForLinkAsync(app, who: "jordan@riverside.test");
        using var browser = app.CreateAnonymousClient();
        var path = $"/Account/ResetPassword?email={Uri.EscapeDataString(email)}&token={Uri.EscapeDataString(token)}";
        using var done = await PageForms.SubmitAsync(browser, path, "reset-password", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Token"] = token,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });
        Assert.Contains("Your password has been changed", await done.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusOfLoginAsync(app, "jordan@riverside.test", NewPassword, null));

        using var forged = await PageForms.SubmitAsync(browser, "/Account/ResetPassword?email=jordan%40riverside.test&token=forged", "reset-password", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Token"] = "forged",
            ["Input.NewPassword"] = "another fresh password 7",
            ["Input.ConfirmPassword"] = "another fresh password 7",
        });
        Assert.Contains("not valid or has expired", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_practice_admin_can_send_a_link_to_their_own_people_only()
    {
        await using var app = await TandemApp.StartAsync();
        var samId = await SignInTests.IdOf(app, "sam@riverside.test");
        using var harbor = await app.ClientForAsync("admin@harbor.test");
        Assert.Equal(HttpStatusCode.NotFound, await harbor.StatusOfPostAsync($"/api/practice/people/{samId}/password-reset"));
        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"/api/practice/people/{samId}/password-reset"));
        using var admin = await app.ClientForAsync("admin@riverside.test");
        Assert.Equal(HttpStatusCode.Accepted, await admin.StatusOfPostAsync($"/api/practice/people/{samId}/password-reset"));
        var mail = await MailAsync(app, "sam@riverside.test", "password-reset");
        Assert.Contains("Your practice sent you this link", mail.TextBody, StringComparison.Ordinal);
        var adminId = await SignInTests.IdOf(app, "admin@riverside.test");
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.AnyAsync(
            e => e.ObjectType == "PasswordReset" && e.ObjectId == "sent-by-admin" && e.SubjectUserId == samId && e.UserId == adminId, Ct)));

        // The practice's security log says so, in words.
        var log = await admin.GetJsonAsync("/api/practice/security-log?take=200");
        Assert.Contains("Password reset link sent by the practice", log.EnumerateArray().Select(e => e.Str("event")));

        // From the People page too.
        using var page = app.CreateAnonymousClient();
        await PageForms.SignInAsync(page, "admin@riverside.test");
        var jordanId = await SignInTests.IdOf(app, "jordan@riverside.test");
        using var sent = await PageForms.SubmitAsync(page, "/practice/people", $"reset-{jordanId:N}", new Dictionary<string, string>());
        Assert.Contains("A link to choose a new password is on its way", await sent.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await MailAsync(app, "jordan@riverside.test", "password-reset");
    }

    [Fact]
    public async Task The_link_is_on_the_configured_public_address_whatever_the_request_headers_name()
    {
        const string PublicUrl = "https://tandem.example.test";
        await using var app = await TandemApp.StartAsync(settings: new() { ["Tandem:PublicUrl"] = PublicUrl });
        using var anonymous = app.CreateAnonymousClient();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password-reset") { Content = JsonContent.Create(new { email = "sam@riverside.test" }) })
        {
            request.Headers.Host = "tandem.example.test";
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "tandem-login.evil.example");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
            request.Headers.TryAddWithoutValidation("X-Original-Host", "original.evil.example");
            BrowserHeaders.Set(request, "https://tandem-login.evil.example", "cross-site");
            using var response = await anonymous.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var mail = await MailAsync(app, "sam@riverside.test", "password-reset");
        Assert.Contains($"{PublicUrl}/Account/ResetPassword?email=sam%40riverside.test&token=", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_links_and_setting_passwords_are_rate_limited_by_address_like_sign_in()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Security:SignInPermitLimit"] = "10", ["Security:SignInWindow"] = "00:05:00" });
        using var client = app.CreateAnonymousClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/password-reset", new { email = $"burst{i}@riverside.test" }, Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // The same address's budget covers setting a password and sign-in itself: guessing tokens or passwords gets no further.
        using var confirm = await client.PostAsJsonAsync("/api/auth/password-reset/confirm", new { email = "sam@riverside.test", token = "guess", newPassword = NewPassword }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, confirm.StatusCode);
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email = "sam@riverside.test", password = TandemApp.DemoPassword }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, login.StatusCode);

        // Another address is not affected.
        using var other = app.CreateClientFrom("192.0.2.44");
        using var fine = await other.PostAsJsonAsync("/api/auth/password-reset", new { email = "sam@riverside.test" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, fine.StatusCode);
        Figures.Print($"password-reset bursts: {statuses.Count} requests from one address, {statuses.Count(s => s == HttpStatusCode.TooManyRequests)} answered 429; confirm and sign-in from it 429 too");
    }

    internal static async Task<(string Email, string Token)> AskForLinkAsync(TandemApp app, string who = "sam@riverside.test", TimeSpan after = default)
    {
        if (after > TimeSpan.Zero)
        {
            app.Clock.Advance(after);
        }

        var since = app.Clock.GetUtcNow();
        using var anonymous = app.CreateAnonymousClient();
        using (var asked = await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email = who }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        }

        var mail = await MailAsync(app, who, "password-reset", since);
        var link = ResetLink().Match(mail.TextBody);
        Assert.True(link.Success, mail.TextBody);
        return (Uri.UnescapeDataString(link.Groups[1].Value), Uri.UnescapeDataString(link.Groups[2].Value));
    }

    /// <summary>The reset mail is written after the answer (so the answer cannot tell); wait for it.</summary>
    private static async Task<OutboxMessage> MailAsync(TandemApp app, string to, string kind, DateTimeOffset? since = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            OutboxMessage? mail = null;
            await app.WithDbAsync(async db => mail = await db.Set<OutboxMessage>()
                .Where(m => m.To == to && m.Kind == kind && (since == null || m.CreatedAt >= since))
                .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(Ct));
            if (mail is not null)
            {
                return mail;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"no {kind} mail to {to}");
            await Task.Delay(100, Ct);
        }
    }

    private static async Task DeactivateAsync(TandemApp app, string email)
    {
        using var admin = await app.ClientForAsync("admin@riverside.test");
        Assert.Equal(HttpStatusCode.NoContent, await admin.StatusOfPostAsync($"/api/practice/people/{await SignInTests.IdOf(app, email)}/deactivate"));
    }

    private static string Demo() => TandemApp.DemoPassword;

    private static string Code(TandemApp app, string key) => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);

    private static async Task<string> EnableAuthenticatorAsync(TandemApp app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
        using var system = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>().AsSystem();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        await users.SetTwoFactorEnabledAsync(user, true);
        return key;
    }

    private static async Task<TokenResponse> LoginAsync(TandemApp app, string email, string password, string? code)
    {
        using var client = app.CreateAnonymousClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password, twoFactorCode = code }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize<TokenResponse>(body, Json.Options)!;
    }

    private static async Task<HttpStatusCode> StatusOfLoginAsync(TandemApp app, string email, string password, string? code)
    {
        using var client = app.CreateAnonymousClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password, twoFactorCode = code }, Ct);
        return response.StatusCode;
    }

    [GeneratedRegex(@"/Account/ResetPassword\?email=([^&\s]+)&token=(\S+)")]
    private static partial Regex ResetLink();

    [GeneratedRegex("<p role=\"status\">[^<]*</p>")]
    private static partial Regex StatusText();
}
