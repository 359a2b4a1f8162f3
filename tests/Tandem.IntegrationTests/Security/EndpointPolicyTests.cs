using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// Every route that answers before sign-in, reviewed: the public directory and guide, sign-in and its
    /// steps, password recovery, invitation links, secret calendar links, the API reference, health. A new anonymous
    /// endpoint fails here until it is added on purpose.
    /// </summary>
    private static readonly string[] ReviewedPublicRoutes =
    [
        "/", "/Account/ForgotPassword", "/Account/InvalidUser", "/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode",
        "/Account/PasskeyRequestOptions", "/Account/ResetPassword", "/Error", "/api/auth/login", "/api/auth/password-reset",
        "/api/auth/password-reset/confirm", "/api/auth/refresh", "/api/calendar/{token}.ics", "/api/directory/",
        "/api/directory/requests", "/api/invitations/{token}/accept", "/dev/mail", "/directory", "/first-conversation/sent",
        "/first-conversation/{TherapistId:guid}", "/guide", "/guide/preferences-check", "/health", "/health/live", "/health/ready", "/invitations/{Token}", "/not-found",
        "/openapi/{documentName}.json", "/scalar/{documentName?}", "/setup",
        // The page that says "You are signed out" (issue 22): no data, only words and a sign-in link.
        "/Account/SignedOut",
        // A practice's brand on the sign-in page and in emails (issue 21): a colour style sheet and a PNG/JPEG logo,
        // public on purpose (they are shown before sign-in), nosniff, a sandbox CSP on the logo, 404 for unknown ids.
        "/practice-brand/{practiceId:guid}.css", "/practice-logo/{practiceId:guid}",
        // A guest of an online session (issue 23: an interpreter, a relay or captioning service) has no account: the
        // invitation page (looking uses nothing up; Join uses the one-time link and sets a protected, time-limited guest
        // cookie), the call's page, its room view and its hub, which answer "Not found." to anyone without that cookie.
        "/video/guest/{Token}", "/video/guest", "/api/video/guest", "/hubs/video-guest", "/hubs/video-guest/negotiate",
    ];

    [Fact]
    public async Task Only_the_reviewed_routes_answer_before_sign_in()
    {
        await using var app = await TandemApp.StartAsync();
        var open = EndpointInfo.All(app.Services)
            .Where(e => e.AllowsAnonymous && !FrameworkPatterns.Any(p => e.Pattern.StartsWith(p, StringComparison.Ordinal)))
            // Static files (the app's CSS, scripts, images): their pattern is the file's own path.
            .Where(e => e.Pattern.Contains('{', StringComparison.Ordinal) || !e.Pattern[(e.Pattern.LastIndexOf('/') + 1)..].Contains('.', StringComparison.Ordinal) || e.IsApi)
            .Select(e => e.Pattern).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.True(open.Except(ReviewedPublicRoutes).ToList() is { Count: 0 }, "Anonymous routes nobody reviewed: " + string.Join(", ", open.Except(ReviewedPublicRoutes)));
        Assert.True(ReviewedPublicRoutes.Except(open).ToList() is { Count: 0 }, "Reviewed public routes that no longer exist (take them off the list): " + string.Join(", ", ReviewedPublicRoutes.Except(open)));
    }

    [Fact]
    public async Task Every_policy_an_endpoint_names_exists()
    {
        // A misspelt or removed policy name would fail only at request time; here it fails at once.
        await using var app = await TandemApp.StartAsync();
        var provider = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var missing = new List<string>();
        foreach (var endpoint in EndpointInfo.All(app.Services))
        {
            foreach (var name in endpoint.Authorize.Select(a => a.Policy).OfType<string>().Distinct())
            {
                if (await provider.GetPolicyAsync(name) is null)
                {
                    missing.Add($"{endpoint.Method} {endpoint.Pattern}: {name}");
                }
            }
        }

        Assert.True(missing.Count == 0, "Unknown policies: " + string.Join(", ", missing));
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
