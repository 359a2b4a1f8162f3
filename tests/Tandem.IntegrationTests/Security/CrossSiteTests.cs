using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S7 (issue 19, finding 2): every unsafe method the app maps (read from its own
/// endpoint list, API, pages, account endpoints and hubs), sent with a signed-in person's
/// session cookie from another origin, or without the antiforgery token, is refused with 403
/// and changes nothing. Bearer-token requests carry no ambient authority and are not affected.
/// </summary>
public sealed class CrossSiteTests
{
    private const string Foreign = "https://evil.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Variant(string Name, string? Origin, string? FetchSite, bool WithToken, bool OwnOriginWithoutToken = false);

    private static readonly Variant[] Variants =
    [
        new("a foreign Origin, no token", Foreign, null, false),
        new("a sibling origin (same host, another port), no token", "https://localhost:8443", null, false),
        new("no Origin, Sec-Fetch-Site: same-site", null, "same-site", false),
        new("neither Origin nor Sec-Fetch-Site", null, null, false),
        new("a foreign Origin with a valid antiforgery token", Foreign, "cross-site", true),
        new("the app's own origin without the antiforgery token", TandemApp.OwnOrigin, "same-origin", false, OwnOriginWithoutToken: true),
    ];

    [Fact]
    public async Task Every_unsafe_endpoint_with_the_session_cookie_from_another_origin_or_without_the_token_is_refused_and_changes_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var index = await RecordIndex.LoadAsync(app);
        var now = app.Clock.GetUtcNow();
        var sams = index.EngagementOfClient("sam@riverside.test");
        var callers = new List<(string Email, HttpClient Http, string Token)>();
        foreach (var email in new[] { "sam@riverside.test", "alex@riverside.test", "admin@riverside.test" })
        {
            var http = await CookieClientAsync(app, email);
            callers.Add((email, http, await TokenAsync(http)));
        }

        var endpoints = EndpointInfo.All(app.Services)
            .Where(e => e.Method is not ("GET" or "HEAD" or "OPTIONS") && !e.Pattern.StartsWith("/_blazor", StringComparison.Ordinal) && !MatrixRoutes.IsOutOfScope(e))
            // Sign-out last: if it were accepted, everything after it would be refused for want of a session, and prove nothing.
            .OrderBy(e => e.Pattern == "/Account/Logout")
            .ToList();
        Assert.True(endpoints.Count > 60, $"only {endpoints.Count} unsafe endpoints found");

        var tables = await DatabaseSnapshot.TakeAsync(app);
        var accepted = new List<string>();
        var wrong = new List<string>();
        var sent = 0;
        foreach (var (email, http, token) in callers)
        {
            var person = index.Person(email);
            var filler = new MatrixFiller(index, person, sams, now);
            foreach (var e in endpoints)
            {
                var pageForm = !e.IsApi && !IsHub(e);
                var validatedByFramework = e.Endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>()?.RequiresValidation == true;
                foreach (var variant in Variants)
                {
                    if (variant.OwnOriginWithoutToken && IsHub(e))
                    {
                        // The hubs need no token (SignalR clients cannot send one); their own-origin case is HubOriginTests'.
                        continue;
                    }

                    var slots = new List<Slot>();
                    var path = MatrixRoutes.Fill(e.Pattern, (type, _) => filler.For(type), slots);
                    using var request = new HttpRequestMessage(new HttpMethod(e.Method), path);
                    if (pageForm)
                    {
                        var form = new Dictionary<string, string> { ["_handler"] = "cross-site" };
                        if (variant.WithToken)
                        {
                            form["__RequestVerificationToken"] = token;
                        }

                        request.Content = new FormUrlEncodedContent(form);
                    }
                    else
                    {
                        var body = MatrixBodies.Body(e, filler.For, slots, now);
                        request.Content = new StringContent(body is null ? "{}" : MatrixProbe.ToJson(body), Encoding.UTF8, "application/json");
                        if (variant.WithToken)
                        {
                            request.Headers.Add("RequestVerificationToken", token);
                        }
                    }

                    foreach (var (name, value) in MatrixBodies.Headers(e))
                    {
                        request.Headers.TryAddWithoutValidation(name, value);
                    }

                    BrowserHeaders.Set(request, variant.Origin, variant.FetchSite);
                    using var response = await http.SendAsync(request, Ct);
                    sent++;
                    var status = (int)response.StatusCode;
                    var label = $"{email}: {e.Method} {path} with {variant.Name} -> {status}";
                    // 403 from the cross-site rule; the framework's own 400 for a page form without its token; 404 when the
                    // request was refused before the rule looked (a closed /setup, a page this person's role may not open).
                    var expected = variant.OwnOriginWithoutToken && validatedByFramework ? 400 : 403;
                    if (status is < 400)
                    {
                        accepted.Add(label);
                    }
                    else if (status != expected && status != 404)
                    {
                        wrong.Add($"{label} (expected {expected}): {Snippet(await response.Content.ReadAsStringAsync(Ct))}");
                    }
                    else if (status == 403 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        wrong.Add($"{label}: a refusal must be problem details with a sentence");
                    }
                }
            }
        }

        var changed = await DatabaseSnapshot.ChangesSinceAsync(app, tables);

        Figures.Print($"cross-site: {sent} unsafe requests with a session cookie ({endpoints.Count} endpoint-verbs x {callers.Count} people x {Variants.Length} ways), {accepted.Count} accepted, {changed.Count} changes");
        Assert.True(accepted.Count == 0, $"{accepted.Count} accepted:\n" + string.Join('\n', accepted.Take(40)));
        Assert.True(changed.Count == 0, "A refused request changed the database:\n" + string.Join('\n', changed.Take(20)));
        Assert.True(wrong.Count == 0, $"{wrong.Count} refused in another way:\n" + string.Join('\n', wrong.Take(40)));

        // Still signed in: the sign-out form was refused too.
        foreach (var (email, http, _) in callers)
        {
            Assert.True(await http.StatusOfGetAsync("/api/me") == HttpStatusCode.OK, $"{email} was signed out");
        }
    }

    [Fact]
    public async Task The_same_writes_from_the_apps_own_pages_with_the_token_and_with_a_bearer_token_from_anywhere_are_accepted()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var cookie = await CookieClientAsync(app, "sam@riverside.test");
        var token = await TokenAsync(cookie);

        // Own origin and the token, as a page's script would send them.
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/engagements/{sams}/messages") { Content = System.Net.Http.Json.JsonContent.Create(new { body = "From the page" }) })
        {
            request.Headers.Add("RequestVerificationToken", token);
            BrowserHeaders.Set(request, TandemApp.OwnOrigin, "same-origin");
            using var response = await cookie.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        }

        // Sec-Fetch-Site alone (a browser that leaves Origin out of a same-origin request).
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/engagements/{sams}/messages") { Content = System.Net.Http.Json.JsonContent.Create(new { body = "From the page again" }) })
        {
            request.Headers.Add("RequestVerificationToken", token);
            BrowserHeaders.Set(request, null, "same-origin");
            using var response = await cookie.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        }

        // A bearer token is not ambient: a script elsewhere that holds it may use it.
        using var bearer = await app.ClientForAsync("sam@riverside.test");
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/engagements/{sams}/messages") { Content = System.Net.Http.Json.JsonContent.Create(new { body = "From a script" }) })
        {
            BrowserHeaders.Set(request, Foreign, "cross-site");
            using var response = await bearer.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    [Fact]
    public async Task A_hub_connection_with_the_session_cookie_from_another_origin_is_refused()
    {
        await using var app = await TandemApp.StartAsync();
        using var cookie = await CookieClientAsync(app, "sam@riverside.test");
        using var bearer = await app.ClientForAsync("sam@riverside.test");
        var problems = new List<string>();
        foreach (var hub in new[] { "/hubs/engagement", "/_blazor" })
        {
            async Task<int> SendAsync(HttpClient client, HttpMethod method, string path, string? origin, string? site)
            {
                using var request = new HttpRequestMessage(method, path);
                if (method == HttpMethod.Get)
                {
                    // A WebSocket handshake (the in-memory server cannot upgrade; the refusal comes first).
                    request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
                    request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
                    request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
                    request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
                }

                BrowserHeaders.Set(request, origin, site);
                using var response = await client.SendAsync(request, Ct);
                return (int)response.StatusCode;
            }

            void Expect(string what, int status, Func<int, bool> ok)
            {
                if (!ok(status))
                {
                    problems.Add($"{hub}: {what} -> {status}");
                }
            }

            var negotiate = $"{hub}/negotiate?negotiateVersion=1";
            Expect("cookie negotiate from a foreign origin", await SendAsync(cookie, HttpMethod.Post, negotiate, Foreign, "cross-site"), s => s == 403);
            Expect("cookie negotiate from a sibling origin", await SendAsync(cookie, HttpMethod.Post, negotiate, "http://localhost:8080", "same-site"), s => s == 403);
            Expect("cookie negotiate with neither Origin nor Sec-Fetch-Site", await SendAsync(cookie, HttpMethod.Post, negotiate, null, null), s => s == 403);
            Expect("cookie WebSocket handshake from a foreign origin", await SendAsync(cookie, HttpMethod.Get, $"{hub}?id=x", Foreign, null), s => s == 403);
            Expect("cookie negotiate from the app's own page", await SendAsync(cookie, HttpMethod.Post, negotiate, TandemApp.OwnOrigin, "same-origin"), s => s == 200);
            if (hub == "/hubs/engagement")
            {
                Expect("bearer negotiate from anywhere", await SendAsync(bearer, HttpMethod.Post, negotiate, Foreign, "cross-site"), s => s == 200);
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static bool IsHub(EndpointInfo e) => e.Pattern.StartsWith("/hubs/", StringComparison.Ordinal) || e.Pattern.StartsWith("/_blazor", StringComparison.Ordinal);

    /// <summary>A browser signed in through the sign-in page: the session cookie, nothing else.</summary>
    internal static async Task<HttpClient> CookieClientAsync(TandemApp app, string email)
    {
        var http = app.CreateAnonymousClient();
        using var signIn = await PageForms.SignInAsync(http, email);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"sign-in of {email} answered {(int)signIn.StatusCode}");
        return http;
    }

    /// <summary>An antiforgery token of this person's session, as a page renders it.</summary>
    internal static async Task<string> TokenAsync(HttpClient http)
    {
        var html = await http.GetStringAsync("/Account/Manage/ChangePassword", Ct);
        return PageForms.TokenIn(html) ?? throw new InvalidOperationException("No antiforgery token on the password page.");
    }

    private static string Snippet(string text) => text.Length <= 200 ? text : text[..200];
}
