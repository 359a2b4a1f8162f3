using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>QUALITY.md S6: the security headers on every response, walking every mapped route.</summary>
public sealed class HeaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_route_answers_with_the_security_headers_anonymous_and_signed_in()
    {
        await using var app = await TandemApp.StartAsync();
        var tokens = await app.LoginAsync("alex@riverside.test");
        var problems = new List<string>();
        var checkedResponses = 0;

        foreach (var signedIn in new[] { false, true })
        {
            using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://tandem.test/") });
            if (signedIn)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            }

            foreach (var endpoint in EndpointInfo.All(app.Services).Where(e => e.Method == "GET"))
            {
                using var response = await client.GetAsync(endpoint.PathWith(), Ct);
                checkedResponses++;
                var label = $"{(signedIn ? "signed in" : "anonymous")} GET {endpoint.Pattern} ({(int)response.StatusCode})";
                Check(response, label, endpoint.Pattern, problems);
            }
        }

        Figures.Print($"headers: {checkedResponses} responses on every GET route (anonymous and signed in), {problems.Count} problems");
        Assert.True(checkedResponses > 20, $"only {checkedResponses} responses walked");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static void Check(HttpResponseMessage response, string label, string pattern, List<string> problems)
    {
        string? Header(string name) =>
            response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
            : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;

        if ((int)response.StatusCode >= 500)
        {
            problems.Add($"{label}: server error");
        }

        if (Header("X-Content-Type-Options") != "nosniff")
        {
            problems.Add($"{label}: X-Content-Type-Options missing");
        }

        var csp = Header("Content-Security-Policy");
        if (csp is null || !csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) || !csp.Contains("default-src 'self'", StringComparison.Ordinal))
        {
            problems.Add($"{label}: CSP missing or weak: {csp}");
        }

        if (Header("Referrer-Policy") is null)
        {
            problems.Add($"{label}: Referrer-Policy missing");
        }

        if (Header("Strict-Transport-Security") is null)
        {
            problems.Add($"{label}: HSTS missing outside Development");
        }

        var isStaticAsset = Path.HasExtension(pattern) && !pattern.StartsWith("/api", StringComparison.Ordinal) && !pattern.EndsWith(".json", StringComparison.Ordinal) && !pattern.EndsWith(".ics", StringComparison.Ordinal);
        if (!isStaticAsset && response.Headers.CacheControl?.NoStore != true)
        {
            problems.Add($"{label}: Cache-Control no-store missing ({response.Headers.CacheControl})");
        }
    }
}
