using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// Issue 26, item 1: in Production Tandem will not start without its public address, and it
/// believes X-Forwarded-For and X-Forwarded-Proto only from the proxies it was told to trust
/// (<c>Tandem:TrustedProxies</c>). The client's own address then drives the sign-in limit, the
/// addresses people see in their sign-in list and the practice's security log; the scheme the
/// browser used drives the HTTPS redirect. Everyone else's forwarded headers are ignored. Each
/// test runs the real app (Kestrel, Production settings), because an in-memory server has no
/// connection addresses to speak of.
/// </summary>
public sealed class PublicAddressAndProxyTests
{
    private const string Password = "Tandem-demo-2026!";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_production_Tandem_refuses_to_start_without_its_public_address_and_says_so_in_one_line()
    {
        await using var database = await TestDatabase.CreateAsync(seeded: false);
        var folder = DataFolder("no-public-url");
        var settings = TandemProcess.SettingsFor(database, folder);
        settings.Add("--Tandem:PublicUrl=");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TandemProcess.StartAsync(database, folder, Ct, settings: settings));

        Assert.Contains("exited at start with code 1", refused.Message, StringComparison.Ordinal);
        var lines = refused.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();
        var line = Assert.Single(lines);
        Assert.Contains("Tandem:PublicUrl", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_clients_address_counts_and_its_scheme_decides_https()
    {
        await using var database = await TestDatabase.CreateAsync(seeded: true);
        var folder = DataFolder("trusted");
        var settings = TandemProcess.SettingsFor(database, folder);
        // The test connects from 127.0.0.1, as nginx on the same machine would.
        settings.AddRange(["--Tandem:TrustedProxies=127.0.0.1, 10.20.0.0/16", "--Security:SignInPermitLimit=3", "--Security:RequireHttps=true", "--Tandem:PublicUrl=https://127.0.0.1"]);
        await using var app = await TandemProcess.StartAsync(database, folder, Ct, settings: settings);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        // The sign-in limit counts per browser, not per proxy: three failures from one client address
        // use up that address's window; another client behind the same proxy still gets in.
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await LoginAsync(http, "alex@riverside.test", "not the password", forwardedFor: "203.0.113.7");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var limited = await LoginAsync(http, "alex@riverside.test", "not the password", forwardedFor: "203.0.113.7"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }

        string token;
        using (var admin = await LoginAsync(http, "admin@riverside.test", Password, forwardedFor: "198.51.100.23"))
        {
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            token = JsonDocument.Parse(await admin.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("accessToken").GetString()!;
        }

        // What the admin sees: their own sign-in from the browser's address, and the failed
        // sign-ins from the other browser's address; never the proxy's.
        var sessions = await GetJsonAsync(http, "/api/me/sessions", token, forwardedFor: "198.51.100.23");
        Assert.Contains(sessions.EnumerateArray(), s => s.GetProperty("address").GetString() == "198.51.100.23");
        Assert.DoesNotContain(sessions.EnumerateArray(), s => s.GetProperty("address").GetString() == "127.0.0.1");
        var log = await GetJsonAsync(http, "/api/practice/security-log", token, forwardedFor: "198.51.100.23");
        var addresses = log.EnumerateArray().Select(e => e.GetProperty("sourceAddress").GetString()).ToList();
        Assert.Contains("203.0.113.7", addresses);
        Assert.Contains("198.51.100.23", addresses);
        Assert.DoesNotContain("127.0.0.1", addresses);

        // The browser used https at the proxy: no redirect. A request that reached Tandem over plain
        // http (the proxy says so) is sent to the public https address.
        using (var overHttps = new HttpRequestMessage(HttpMethod.Get, "/Account/Login"))
        {
            overHttps.Headers.Add("X-Forwarded-For", "198.51.100.23");
            overHttps.Headers.Add("X-Forwarded-Proto", "https");
            using var page = await http.SendAsync(overHttps, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.All(page.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        }

        using (var overHttp = new HttpRequestMessage(HttpMethod.Get, "/Account/Login"))
        {
            overHttp.Headers.Add("X-Forwarded-Proto", "http");
            using var redirect = await http.SendAsync(overHttp, Ct);
            Assert.True(redirect.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently,
                $"plain http was answered {(int)redirect.StatusCode}");
            Assert.Equal("https://127.0.0.1/Account/Login", redirect.Headers.Location?.ToString());
        }
    }

    [Fact]
    public async Task Forwarded_headers_from_anyone_not_trusted_are_ignored_and_only_the_public_host_is_served()
    {
        await using var database = await TestDatabase.CreateAsync(seeded: true);
        var folder = DataFolder("untrusted");
        var settings = TandemProcess.SettingsFor(database, folder);
        // A proxy is trusted, but it is not the address this test connects from.
        settings.AddRange(["--Tandem:TrustedProxies=10.20.0.5", "--Security:SignInPermitLimit=3"]);
        await using var app = await TandemProcess.StartAsync(database, folder, Ct, settings: settings);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        // Nobody writes someone else's address into the audit: the sign-in is listed from the
        // address the connection really came from.
        string token;
        using (var admin = await LoginAsync(http, "admin@riverside.test", Password, forwardedFor: "198.51.100.23"))
        {
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            token = JsonDocument.Parse(await admin.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("accessToken").GetString()!;
        }

        var sessions = await GetJsonAsync(http, "/api/me/sessions", token, forwardedFor: "198.51.100.23");
        Assert.All(sessions.EnumerateArray(), s => Assert.Equal("127.0.0.1", s.GetProperty("address").GetString()));

        // Nor buy fresh sign-in attempts by naming a new address each time: with the admin's, this
        // connection's three posts are used up.
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await LoginAsync(http, "alex@riverside.test", "not the password", forwardedFor: $"203.0.113.{10 + i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var limited = await LoginAsync(http, "alex@riverside.test", "not the password", forwardedFor: "203.0.113.99"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }

        // AllowedHosts follows the public address: a request naming another host is refused.
        using var stranger = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        stranger.Headers.Host = "tandem.evil.example";
        using var refused = await http.SendAsync(stranger, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static string DataFolder(string name) => Path.Combine(TestEnvironment.RunFolder, $"proxy-{name}-{Guid.NewGuid().ToString("N")[..8]}");

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient http, string email, string password, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        // As nginx sends every request: the browser's address, and the scheme it used.
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return await http.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path, string token, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }
}
