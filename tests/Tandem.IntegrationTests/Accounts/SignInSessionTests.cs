using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 19, finding 5 and QUALITY.md S9: sessions live on the server, revocable by id. After sign-out,
/// refresh-token reuse, ending a session from the sessions page, a password change or deactivation,
/// the old cookie or token opens nothing.
/// </summary>
public sealed class SignInSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Uri Root = new("https://localhost/");

    [Fact]
    public async Task A_cookie_copied_before_sign_out_opens_nothing_afterwards()
    {
        await using var app = await TandemApp.StartAsync();
        var (browser, jar) = Browser(app);
        using (var signIn = await PageForms.SignInAsync(browser, "sam@riverside.test"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me", Ct)).StatusCode);
        var copied = jar.GetCookieHeader(Root);
        using (var signOut = await PageForms.SubmitWithTokenOfAsync(browser, "/Account/Manage", "/Account/Logout", "", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        using var thief = app.CreateDefaultClient(Root);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", copied);
        using var answer = await thief.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Figures.Print("sessions: a cookie copied before sign-out answers 401 afterwards");
    }

    [Fact]
    public async Task A_refresh_token_used_twice_ends_its_whole_family()
    {
        await using var app = await TandemApp.StartAsync();
        var first = await app.LoginAsync("sam@riverside.test");
        using var client = app.CreateAnonymousClient();

        var second = await RefreshAsync(client, first.RefreshToken, HttpStatusCode.OK);
        var third = await RefreshAsync(client, second!.RefreshToken, HttpStatusCode.OK);

        // The first token again (stolen and replayed, say): refused, and the whole family with it.
        await RefreshAsync(client, first.RefreshToken, HttpStatusCode.Unauthorized);
        await RefreshAsync(client, third!.RefreshToken, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, third.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, first.AccessToken));

        // Another sign-in of the same person is a family of its own and goes on working.
        var other = await app.LoginAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, other.AccessToken));
    }

    [Fact]
    public async Task Api_logout_ends_the_session_and_its_refresh_family()
    {
        await using var app = await TandemApp.StartAsync();
        var tokens = await app.LoginAsync("jordan@riverside.test");
        var refreshed = await RefreshAsync(app.CreateAnonymousClient(), tokens.RefreshToken, HttpStatusCode.OK);
        var keep = await app.LoginAsync("jordan@riverside.test");

        using var client = app.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", refreshed!.AccessToken);
        using (var logout = await client.PostAsync("/api/auth/logout", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, refreshed.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, tokens.AccessToken));
        await RefreshAsync(client, refreshed.RefreshToken, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, keep.AccessToken));

        using var anonymous = app.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/auth/logout", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_person_sees_their_other_sessions_and_ends_them()
    {
        await using var app = await TandemApp.StartAsync();
        using var laptop = app.CreateAnonymousClient();
        laptop.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");
        await PageForms.SignInAsync(laptop, "sam@riverside.test");
        using var phone = app.CreateAnonymousClient();
        phone.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1");
        await PageForms.SignInAsync(phone, "sam@riverside.test");
        var api = await app.LoginAsync("sam@riverside.test");
        app.Clock.Advance(TimeSpan.FromMinutes(2));

        var list = await laptop.GetJsonAsync("/api/me/sessions");
        var sessions = list.EnumerateArray().ToList();
        Assert.Equal(3, sessions.Count);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal("Chrome on Windows", current.Str("device"));
        var phoneSession = Assert.Single(sessions, s => s.Str("device") == "Safari on iPhone");
        Assert.Equal("127.0.0.1", phoneSession.Str("address"));
        Assert.False(string.IsNullOrEmpty(phoneSession.Str("place")));
        Assert.True(phoneSession.TryGetProperty("lastSeenAt", out _));

        // The page shows the same.
        var page = await (await laptop.GetAsync("/Account/Manage/Sessions", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("Safari on iPhone", page, StringComparison.Ordinal);
        Assert.Contains("This device", page, StringComparison.Ordinal);

        // Someone else's session id is not found, and ends nothing.
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await jordan.StatusOfPostAsync($"/api/me/sessions/{phoneSession.Id()}/end"));
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/me", Ct)).StatusCode);

        // A made-up or malformed id ends nothing and says so.
        foreach (var bad in new[] { Guid.NewGuid().ToString(), "not-an-id", "" })
        {
            using var refused = await PageForms.SubmitAsync(laptop, "/Account/Manage/Sessions", "end-session", new Dictionary<string, string> { ["SessionId"] = bad });
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        }

        Assert.Equal(3, (await laptop.GetJsonAsync("/api/me/sessions")).GetArrayLength());

        // Ending the phone's session: its cookie opens nothing; this device goes on.
        using (var end = await PageForms.SubmitAsync(laptop, "/Account/Manage/Sessions", "end-session", new Dictionary<string, string> { ["SessionId"] = phoneSession.Id().ToString() }))
        {
            Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, api.AccessToken));

        // "End all others": the API session and its refresh token end too.
        using (var all = await PageForms.SubmitAsync(laptop, "/Account/Manage/Sessions", "end-other-sessions", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, all.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, api.AccessToken));
        await RefreshAsync(app.CreateAnonymousClient(), api.RefreshToken, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Single((await laptop.GetJsonAsync("/api/me/sessions")).EnumerateArray());
    }

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions_but_not_this_one()
    {
        await using var app = await TandemApp.StartAsync();
        using var here = app.CreateAnonymousClient();
        await PageForms.SignInAsync(here, "casey@riverside.test");
        using var there = app.CreateAnonymousClient();
        await PageForms.SignInAsync(there, "casey@riverside.test");
        var api = await app.LoginAsync("casey@riverside.test");

        using (var change = await PageForms.SubmitAsync(here, "/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = TandemApp.DemoPassword,
            ["Input.NewPassword"] = "harbour kettle quiet 42",
            ["Input.ConfirmPassword"] = "harbour kettle quiet 42",
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await there.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, api.AccessToken));
        await RefreshAsync(app.CreateAnonymousClient(), api.RefreshToken, HttpStatusCode.Unauthorized);
        var sessions = (await here.GetJsonAsync("/api/me/sessions")).EnumerateArray().ToList();
        Assert.Single(sessions);
        Assert.True(sessions[0].GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task Deactivation_ends_every_session_for_good()
    {
        await using var app = await TandemApp.StartAsync();
        var (browser, jar) = Browser(app);
        await PageForms.SignInAsync(browser, "riley@riverside.test");
        var copied = jar.GetCookieHeader(Root);
        var api = await app.LoginAsync("riley@riverside.test");

        var rileyId = await SignInTests.IdOf(app, "riley@riverside.test");
        using var admin = await app.ClientForAsync("admin@riverside.test");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/practice/people/{rileyId}/deactivate", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/practice/people/{rileyId}/reactivate", null, Ct)).StatusCode);

        // Back in service, the account's old sessions stay ended: they were ended, not just refused while inactive.
        using var thief = app.CreateDefaultClient(Root);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", copied);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.SendAsync(request, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, api.AccessToken));
        await RefreshAsync(app.CreateAnonymousClient(), api.RefreshToken, HttpStatusCode.Unauthorized);
        await app.WithDbAsync(async db =>
        {
            var ended = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.SignInSessions.Where(s => s.UserId == rileyId), Ct);
            Assert.Equal(2, ended.Count);
            Assert.All(ended, s => Assert.Equal("deactivated", s.EndReason));
        });
    }

    /// <summary>A browser whose cookies the test can read (to copy them, as a thief would).</summary>
    private static (HttpClient Client, CookieContainer Jar) Browser(TandemApp app)
    {
        var jar = new CookieContainer();
        return (app.CreateDefaultClient(Root, new BrowserHeaders(), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(jar)), jar);
    }

    private static async Task<TokenResponse?> RefreshAsync(HttpClient client, string refreshToken, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"refresh: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return response.IsSuccessStatusCode ? JsonSerializer.Deserialize<TokenResponse>(body, Json.Options) : null;
    }

    private static async Task<HttpStatusCode> MeAsync(TandemApp app, string accessToken)
    {
        using var client = app.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.GetAsync("/api/me", Ct);
        return response.StatusCode;
    }
}
