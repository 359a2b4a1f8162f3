using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S3 for page addresses (issue 19, finding 11): every page route, with its route ids
/// filled with the caller's own records, is opened with every query parameter it binds set to
/// malformed values (not a number, not an id, not a yes/no, empty, huge, encoded control
/// characters, twice), and every other page with an unknown one, anonymously and as a client, a therapist and the practice admin. Never a
/// 5xx, never exception text. The query parameters are found on the pages themselves
/// (<c>[SupplyParameterFromQuery]</c>), so a new one is covered.
/// </summary>
public sealed class PageQueryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Malformed =
    [
        "zzz", "maybe", "-1", "99999999999999999999", "1e999", "NaN", "00000000-0000-0000-0000-00000000000g", "2026-13-45",
        "%00", "%ZZ", "%E2%80%AE", "", "<script>", new string('9', 5_000),
    ];

    private static readonly string[] TraceMarkers = ["Exception", "   at Tandem.", "   at Microsoft.", "stack trace"];

    [Fact]
    public async Task Malformed_query_values_on_every_page_never_fail_the_server()
    {
        await using var app = await TandemApp.StartAsync();
        var index = await RecordIndex.LoadAsync(app);
        var now = app.Clock.GetUtcNow();
        var sams = index.EngagementOfClient("sam@riverside.test");
        var callers = new List<(string Who, HttpClient Http, Person? Person)> { ("anonymous", app.CreateAnonymousClient(), null) };
        foreach (var email in new[] { "sam@riverside.test", "alex@riverside.test", "admin@riverside.test" })
        {
            callers.Add((email, await CrossSiteTests.CookieClientAsync(app, email), index.Person(email)));
        }

        var pages = EndpointInfo.All(app.Services)
            .Where(e => e.Method == "GET" && e.Endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null && !MatrixRoutes.IsOutOfScope(e))
            .Select(e => (Info: e, Names: QueryNames(e.Endpoint.Metadata.GetMetadata<ComponentTypeMetadata>()!.Type)))
            .ToList();
        var typed = pages.Count(p => p.Names.Count > 0);
        Assert.True(typed >= 8, $"only {typed} pages bind typed query parameters");

        var failures = new List<string>();
        var sent = 0;
        foreach (var (page, names) in pages)
        {
            foreach (var (who, http, person) in callers)
            {
                var filler = new MatrixFiller(index, person, sams, now);
                var path = MatrixRoutes.Fill(page.Pattern, (type, _) => filler.For(type), []);
                foreach (var value in names.Count == 0 ? Malformed[..1] : Malformed)
                {
                    var parameters = (names.Count == 0 ? ["x"] : names).SelectMany(n => value == "zzz" ? [$"{n}=1", $"{n}=zzz"] : new[] { $"{n}={value}" });
                    var url = $"{path}?{string.Join('&', parameters)}";
                    using var response = await http.GetAsync(url, Ct);
                    sent++;
                    var body = await response.Content.ReadAsStringAsync(Ct);
                    if ((int)response.StatusCode >= 500 || TraceMarkers.FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is not null)
                    {
                        failures.Add($"{who}: GET {(url.Length > 160 ? url[..160] + "..." : url)} -> {(int)response.StatusCode}");
                    }
                }
            }
        }

        foreach (var (_, http, _) in callers)
        {
            http.Dispose();
        }

        Figures.Print($"page query strings: {sent} requests to {pages.Count} pages ({typed} with typed query parameters) as {callers.Count} callers, {failures.Count} server errors");
        Assert.True(failures.Count == 0, $"{failures.Count} failed:\n" + string.Join('\n', failures.Take(40)));
    }

    /// <summary>
    /// The class of the NUL that CI found in a JSON body (PostgreSQL cannot hold U+0000, so a NUL reaching a lookup is a
    /// 500 there): every GET route, page or API, with every text query parameter it binds set to a value holding a NUL or
    /// another control character, anonymously and as a client, a therapist and the admin. Never a 5xx or exception text;
    /// an API answers 400 problem details naming the parameter. The parameters are found on the pages
    /// (<c>[SupplyParameterFromQuery]</c>) and the API handlers (their text parameters that are not in the route).
    /// </summary>
    [Fact]
    public async Task Control_characters_in_text_query_values_are_refused_never_a_server_error()
    {
        await using var app = await TandemApp.StartAsync();
        var index = await RecordIndex.LoadAsync(app);
        var now = app.Clock.GetUtcNow();
        var sams = index.EngagementOfClient("sam@riverside.test");
        var callers = new List<(string Who, HttpClient Http, Person? Person)> { ("anonymous", app.CreateAnonymousClient(), null) };
        foreach (var email in new[] { "sam@riverside.test", "alex@riverside.test", "admin@riverside.test" })
        {
            callers.Add((email, await CrossSiteTests.CookieClientAsync(app, email), index.Person(email)));
        }

        var routes = EndpointInfo.All(app.Services)
            .Where(e => e.Method == "GET" && !MatrixRoutes.IsOutOfScope(e))
            .Select(e => (Info: e, Names: TextQueryNames(e)))
            .Where(e => e.Names.Count > 0)
            .ToList();
        Assert.True(routes.Count(r => r.Info.IsApi) >= 2 && routes.Count(r => !r.Info.IsApi) >= 3,
            $"only {routes.Count} routes with text query parameters found: {string.Join(", ", routes.Select(r => r.Info.Pattern))}");

        var failures = new List<string>();
        var sent = 0;
        foreach (var (route, names) in routes)
        {
            foreach (var (who, http, person) in callers)
            {
                var filler = new MatrixFiller(index, person, sams, now);
                var path = MatrixRoutes.Fill(route.Pattern, (type, _) => filler.For(type), []);
                foreach (var name in names)
                {
                    foreach (var value in new[] { "a%00b", "a%01b", "%1B%5B31m" })
                    {
                        var url = $"{path}?{name}={value}";
                        using var response = await http.GetAsync(url, Ct);
                        sent++;
                        var status = (int)response.StatusCode;
                        var body = await response.Content.ReadAsStringAsync(Ct);
                        if (status >= 500 || TraceMarkers.FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is not null)
                        {
                            failures.Add($"{who}: GET {url} -> {status}");
                        }
                        else if (route.IsApi && status is >= 200 and < 300)
                        {
                            failures.Add($"{who}: GET {url} -> {status}, accepted");
                        }
                        else if (route.IsApi && status == 400 && !body.Contains(name, StringComparison.Ordinal))
                        {
                            failures.Add($"{who}: GET {url} -> 400 without naming {name}: {body}");
                        }
                    }
                }
            }
        }

        foreach (var (_, http, _) in callers)
        {
            http.Dispose();
        }

        Figures.Print($"control characters in query text: {sent} requests to {routes.Count} routes ({routes.Sum(r => r.Names.Count)} text parameters) as {callers.Count} callers, {failures.Count} failed");
        Assert.True(failures.Count == 0, $"{failures.Count} failed:\n" + string.Join('\n', failures.Take(40)));
    }

    /// <summary>The text query parameters of a route: a page's <c>[SupplyParameterFromQuery]</c> strings, or an API handler's string parameters not in its route.</summary>
    private static List<string> TextQueryNames(EndpointInfo route)
    {
        if (route.Endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is { } component)
        {
            return component.Type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SupplyParameterFromQueryAttribute>()))
                .Where(p => p.Attribute is not null && p.Property.PropertyType == typeof(string))
                .Select(p => p.Attribute!.Name ?? p.Property.Name)
                .ToList();
        }

        if (route.Endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler)
        {
            return [];
        }

        return handler.GetParameters()
            .Where(p => p.ParameterType == typeof(string) && p.Name is not null
                && !route.Pattern.Contains("{" + p.Name, StringComparison.OrdinalIgnoreCase)
                && !p.GetCustomAttributes().Any(a => a.GetType().Name is "FromBodyAttribute" or "FromHeaderAttribute" or "FromServicesAttribute" or "FromRouteAttribute" or "FromFormAttribute"))
            .Select(p => p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromQueryAttribute>()?.Name ?? p.Name!)
            .ToList();
    }

    [Theory]
    [InlineData("HTTP://localhost/engagements")]
    [InlineData("HTTPS://LOCALHOST/engagements")]
    [InlineData("https://evil.example/")]
    [InlineData("HTTP://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Signing_in_with_a_return_address_elsewhere_goes_home(string returnUrl)
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();
        using var signIn = await PageForms.SubmitAsync(client, "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), "login", new Dictionary<string, string>
        {
            ["Input.Email"] = "sam@riverside.test",
            ["Input.Password"] = TandemApp.DemoPassword,
        });
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{returnUrl}: {(int)signIn.StatusCode}");
        var location = signIn.Headers.Location!.OriginalString;
        Assert.True(location is "/" || (location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && !location.Contains("evil", StringComparison.Ordinal) && !location.StartsWith("/\\", StringComparison.Ordinal)),
            $"{returnUrl} sent the person to {location}");
    }

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    public async Task Signing_out_with_a_return_address_elsewhere_goes_home(string returnUrl)
    {
        await using var app = await TandemApp.StartAsync();
        using var client = await CrossSiteTests.CookieClientAsync(app, "sam@riverside.test");
        using var signOut = await PageForms.SubmitWithTokenOfAsync(client, "/Account/Manage", "/Account/Logout", "logout", new Dictionary<string, string> { ["ReturnUrl"] = returnUrl });
        Assert.True(signOut.StatusCode == HttpStatusCode.Redirect, $"{returnUrl}: {(int)signOut.StatusCode}");
        var location = signOut.Headers.Location!.OriginalString;
        Assert.True(location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && !location.StartsWith("/\\", StringComparison.Ordinal) && !location.Contains(':', StringComparison.Ordinal),
            $"{returnUrl} sent the person to {location}");
    }

    private static List<string> QueryNames(Type component) =>
        component.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SupplyParameterFromQueryAttribute>()))
            // Typed ones (a Guid, a number, a yes/no): a text parameter cannot fail to bind; what a page does with odd text is its own tests' business.
            .Where(p => p.Attribute is not null && p.Property.PropertyType != typeof(string))
            .Select(p => p.Attribute!.Name ?? p.Property.Name)
            .ToList();
}
