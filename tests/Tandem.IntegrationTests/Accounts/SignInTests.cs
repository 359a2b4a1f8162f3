using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Tandem.Features.Accounts;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

public sealed class SignInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Wrong_password_and_unknown_account_get_the_same_401()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();

        using var wrong = await client.PostAsJsonAsync("/api/auth/login", new { email = "sam@riverside.test", password = "not-the-password-1" }, Ct);
        using var unknown = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@riverside.test", password = "not-the-password-1" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var a = await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var b = await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.False(a.TryGetProperty("accessToken", out _));
    }

    [Fact]
    public async Task Sixth_attempt_after_five_failures_waits_even_with_the_right_password_and_fresh_clients()
    {
        await using var app = await TandemApp.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            // A fresh client (no cookies) for every try: the count is per account, not per browser.
            using var fresh = app.CreateAnonymousClient();
            using var failed = await fresh.PostAsJsonAsync("/api/auth/login", new { email = "jordan@riverside.test", password = $"wrong-password-{i}" }, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var apiClient = app.CreateAnonymousClient();
        using var api = await apiClient.PostAsJsonAsync("/api/auth/login", new { email = "jordan@riverside.test", password = TandemApp.DemoPassword }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal("1", api.Headers.RetryAfter?.ToString());

        // The sign-in page makes it wait too, with a cookie jar of its own.
        using var pageClient = app.CreateAnonymousClient();
        using var page = await PageForms.SignInAsync(pageClient, "jordan@riverside.test");
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("Too many failed attempts", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var me = await pageClient.GetAsync("/api/me", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);

        // Once the wait has passed, the right password works (no lockout a stranger could repeat forever).
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var later = await apiClient.PostAsJsonAsync("/api/auth/login", new { email = "jordan@riverside.test", password = TandemApp.DemoPassword }, Ct);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Figures.Print("sign-in slow-down: 5 failures from 5 fresh clients, then the right password waits (429, Retry-After) on the API and the page, and works after the wait");
    }

    [Fact]
    public async Task Failures_on_the_sign_in_page_slow_the_api_down_too()
    {
        await using var app = await TandemApp.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            using var fresh = app.CreateAnonymousClient();
            using var failed = await PageForms.SignInAsync(fresh, "casey@riverside.test", $"wrong-password-{i}");
            Assert.Contains("Sign-in failed", await failed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var client = app.CreateAnonymousClient();
        using var api = await client.PostAsJsonAsync("/api/auth/login", new { email = "casey@riverside.test", password = TandemApp.DemoPassword }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
    }

    [Fact]
    public async Task A_burst_of_sign_in_attempts_gets_429()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Security:SignInPermitLimit"] = "10", ["Security:SignInWindow"] = "00:05:00" });
        using var client = app.CreateAnonymousClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = $"burst{i}@riverside.test", password = "whatever-password" }, Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Figures.Print($"sign-in bursts: {statuses.Count} attempts from one address, {statuses.Count(s => s == HttpStatusCode.TooManyRequests)} answered 429");
    }

    [Fact]
    public async Task Refresh_gives_new_tokens_and_keeps_working_until_deactivation()
    {
        await using var app = await TandemApp.StartAsync();
        var tokens = await app.LoginAsync("sam@riverside.test");
        using var client = app.CreateAnonymousClient();

        using var refreshed = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken }, Ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var next = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>(Json.Options, Ct))!;
        Assert.NotEqual(tokens.AccessToken, next.AccessToken);
        Assert.Equal(1800, next.ExpiresIn);

        using var admin = await app.ClientForAsync("admin@riverside.test");
        var samId = await IdOf(app, "sam@riverside.test");
        using var deactivate = await admin.PostAsync($"/api/practice/people/{samId}/deactivate", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, deactivate.StatusCode);

        using var afterwards = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = next.RefreshToken }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }

    [Fact]
    public async Task Garbage_refresh_token_is_401()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();
        using var response = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "not-a-token" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Two_factor_code_is_required_and_checked_when_enabled()
    {
        await using var app = await TandemApp.StartAsync();
        string key;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
            var tenant = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>();
            using var system = tenant.AsSystem();
            var user = (await users.FindByEmailAsync("morgan@riverside.test"))!;
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        using var client = app.CreateAnonymousClient();
        using var withoutCode = await client.PostAsJsonAsync("/api/auth/login", new { email = "morgan@riverside.test", password = TandemApp.DemoPassword }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.StatusCode);
        Assert.Contains("two-factor", await withoutCode.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);

        using var wrongCode = await client.PostAsJsonAsync("/api/auth/login", new { email = "morgan@riverside.test", password = TandemApp.DemoPassword, twoFactorCode = "000000" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);

        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);
        using var withCode = await client.PostAsJsonAsync("/api/auth/login", new { email = "morgan@riverside.test", password = TandemApp.DemoPassword, twoFactorCode = code }, Ct);
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
    }

    internal static async Task<Guid> IdOf(TandemApp app, string email)
    {
        var id = Guid.Empty;
        await app.WithDbAsync(async db =>
        {
            var user = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Users, u => u.Email == email);
            id = user.Id;
        });
        return id;
    }
}
