using System.Net.Http.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

public sealed class EndpointPolicyTests
{
    /// <summary>
    /// Framework endpoints that carry no metadata of their own. The fallback policy (signed in)
    /// still applies to them.
    /// </summary>
    private static readonly string[] FrameworkPatterns = ["/_blazor", "/_framework", "/{**path:file}"];

    [Fact]
    public async Task Every_endpoint_and_page_declares_its_policy()
    {
        await using var app = await TandemApp.StartAsync();
        var endpoints = EndpointInfo.All(app.Services);
        Assert.NotEmpty(endpoints);

        var undeclared = endpoints
            .Where(e => !FrameworkPatterns.Any(p => e.Pattern.StartsWith(p, StringComparison.Ordinal)))
            .Where(e => !e.AllowsAnonymous && e.Authorize.Count == 0)
            .Select(e => $"{e.Method} {e.Pattern}")
            .ToList();

        Assert.True(undeclared.Count == 0, "Endpoints without an explicit policy: " + string.Join(", ", undeclared));
    }

    [Fact]
    public async Task Anonymous_callers_reach_only_public_endpoints()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();
        var leaks = new List<string>();
        foreach (var endpoint in EndpointInfo.All(app.Services).Where(e => e.IsApi && !e.AllowsAnonymous))
        {
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.PathWith());
            if (endpoint.Method is "POST" or "PUT")
            {
                request.Content = JsonContent.Create(new { });
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            if ((int)response.StatusCode is not (401 or 404))
            {
                leaks.Add($"{endpoint.Method} {endpoint.Pattern} -> {(int)response.StatusCode}");
            }
        }

        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
    }
}
