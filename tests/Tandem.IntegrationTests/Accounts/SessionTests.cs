using System.Net.Http.Json;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

public sealed class SessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deactivating_an_account_ends_its_cookie_and_its_tokens_at_once()
    {
        await using var app = await TandemApp.StartAsync();
        using var bearer = await app.ClientForAsync("sam@riverside.test");
        using var browser = app.CreateAnonymousClient();
        using (var signIn = await PageForms.SignInAsync(browser, "sam@riverside.test"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me", Ct)).StatusCode);

        using var admin = await app.ClientForAsync("admin@riverside.test");
        var samId = await SignInTests.IdOf(app, "sam@riverside.test");
        using (var deactivate = await admin.PostAsync($"/api/practice/people/{samId}/deactivate", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deactivate.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me", Ct)).StatusCode);
        using var home = await browser.GetAsync("/Account/Manage", Ct);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/Account/Login", home.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // And a new sign-in is refused, on the API and the page.
        using var anonymous = app.CreateAnonymousClient();
        using var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "sam@riverside.test", password = TandemApp.DemoPassword }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task A_request_still_carrying_the_cookie_from_before_a_refresh_does_not_sign_the_person_out()
    {
        await using var app = await TandemApp.StartAsync();
        var root = new Uri("https://localhost/");
        var jar = new CookieContainer();
        using var browser = app.CreateDefaultClient(root, new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(jar));
        await PageForms.SignInAsync(browser, "morgan@riverside.test");
        var before = jar.GetCookieHeader(root);

        // Opening the authenticator page makes a key: a new security stamp, and this session gets a new cookie.
        using (var page = await browser.GetAsync("/Account/Manage/EnableAuthenticator", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        Assert.NotEqual(before, jar.GetCookieHeader(root));

        // A request the browser sent just before that answer arrived (the page's icon, a second tab) still
        // carries the old cookie: it opens nothing, and what it answers must not end the new session.
        using var stale = app.CreateDefaultClient(root);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Manage");
        request.Headers.Add("Cookie", before);
        using var staleAnswer = await stale.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Redirect, staleAnswer.StatusCode);
        Assert.StartsWith("/Account/Login", staleAnswer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        if (staleAnswer.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                jar.SetCookies(root, cookie);
            }
        }

        using var after = await browser.GetAsync("/Account/Manage", Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Reactivated_account_can_sign_in_again_but_old_tokens_stay_dead()
    {
        await using var app = await TandemApp.StartAsync();
        using var old = await app.ClientForAsync("casey@riverside.test");
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var id = await SignInTests.IdOf(app, "casey@riverside.test");
        await admin.PostAsync($"/api/practice/people/{id}/deactivate", null, Ct);
        await admin.PostAsync($"/api/practice/people/{id}/reactivate", null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/me", Ct)).StatusCode);
        using var fresh = await app.ClientForAsync("casey@riverside.test");
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_admin_cannot_touch_accounts_of_another_practice_or_their_own()
    {
        await using var app = await TandemApp.StartAsync();
        using var harborAdmin = await app.ClientForAsync("admin@harbor.test");
        var samId = await SignInTests.IdOf(app, "sam@riverside.test");
        using var foreign = await harborAdmin.PostAsync($"/api/practice/people/{samId}/deactivate", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        using var riversideAdmin = await app.ClientForAsync("admin@riverside.test");
        var selfId = await SignInTests.IdOf(app, "admin@riverside.test");
        using var self = await riversideAdmin.PostAsync($"/api/practice/people/{selfId}/deactivate", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);

        using var therapist = await app.ClientForAsync("alex@riverside.test");
        using var notAdmin = await therapist.PostAsync($"/api/practice/people/{samId}/deactivate", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, notAdmin.StatusCode);

        await app.WithDbAsync(async db => Assert.True((await db.Users.SingleAsync(u => u.Id == samId, Ct)).IsActive));
    }

    [Fact]
    public async Task Session_cookie_is_host_only_secure_http_only_and_same_site()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        using var signIn = await PageForms.SignInAsync(browser, "alex@riverside.test");

        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-tandem.session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cookie_session_ends_after_30_idle_minutes()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me", Ct)).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task Cookie_session_ends_after_12_hours_even_with_constant_activity()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");

        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(11.5); elapsed += TimeSpan.FromMinutes(20))
        {
            app.Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me", Ct)).StatusCode);
        }

        app.Clock.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task Bearer_token_expires_after_30_minutes_and_refresh_stops_at_12_hours()
    {
        await using var app = await TandemApp.StartAsync();
        var tokens = await app.LoginAsync("kim@harbor.test");
        using var client = app.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.AccessToken);

        app.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me", Ct)).StatusCode);

        var refresh = tokens.RefreshToken;
        for (var i = 0; i < 22; i++)
        {
            using var ok = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh }, Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            refresh = (await ok.Content.ReadFromJsonAsync<TokenResponse>(Json.Options, Ct))!.RefreshToken;
            app.Clock.Advance(TimeSpan.FromMinutes(30));
        }

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        using var tooLate = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, tooLate.StatusCode);
    }
}
