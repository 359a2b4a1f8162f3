using System.Net;
using System.Text;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S3 (short form): malformed, oversized and wrong-typed bodies to every API
/// endpoint that takes one, as anonymous, client, therapist and admin. Never a 5xx, always
/// problem details, no stack traces.
/// </summary>
public sealed class BadInputTests
{
    private static readonly string Long = new('x', 10_000);

    private static readonly (string Name, string Body)[] Payloads =
    [
        ("empty", ""),
        ("malformed", "{\"email\": "),
        ("not an object", "\"just a string\""),
        ("array", "[1,2,3]"),
        ("wrong types", "{\"email\": 5, \"password\": true, \"twoFactorCode\": [], \"refreshToken\": {}, \"displayName\": 7, \"timeZone\": false}"),
        ("nulls", "{\"email\": null, \"password\": null, \"refreshToken\": null, \"displayName\": null}"),
        ("10,000 characters", $"{{\"email\": \"{Long}\", \"password\": \"{Long}\", \"twoFactorCode\": \"{Long}\", \"refreshToken\": \"{Long}\", \"displayName\": \"{Long}\", \"pronouns\": \"{Long}\", \"timeZone\": \"{Long}\"}}"),
        ("empty strings", "{\"email\": \"\", \"password\": \"\", \"refreshToken\": \"\", \"displayName\": \"\", \"timeZone\": \"\"}"),
    ];

    [Fact]
    public async Task Bad_bodies_get_4xx_problem_details_never_5xx()
    {
        await using var app = await TandemApp.StartAsync();
        var callers = new Dictionary<string, string?>
        {
            ["anonymous"] = null,
            ["client"] = (await app.LoginAsync("sam@riverside.test")).AccessToken,
            ["therapist"] = (await app.LoginAsync("alex@riverside.test")).AccessToken,
            ["admin"] = (await app.LoginAsync("admin@riverside.test")).AccessToken,
        };
        var failures = new List<string>();
        var sent = 0;
        var samId = await Accounts.SignInTests.IdOf(app, "sam@riverside.test");

        foreach (var endpoint in EndpointInfo.All(app.Services).Where(e => e.IsApi && e.Method is "POST" or "PUT" or "PATCH"))
        {
            foreach (var (caller, token) in callers)
            {
                foreach (var (name, body) in Payloads)
                {
                    using var client = app.CreateAnonymousClient();
                    if (token is not null)
                    {
                        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
                    }

                    using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.PathWith(samId.ToString()))
                    {
                        Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    };
                    using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                    sent++;
                    var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                    var label = $"{endpoint.Method} {endpoint.Pattern} as {caller} with {name}: {(int)response.StatusCode}";
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add(label + " " + text[..Math.Min(200, text.Length)]);
                    }
                    else if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add(label + " without problem details");
                    }

                    if (text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal))
                    {
                        failures.Add(label + " leaks exception details");
                    }
                }
            }
        }

        Assert.True(sent > 50, $"only {sent} requests sent");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Unknown_api_path_is_a_problem_details_404_and_401_before_sign_in()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = await app.ClientForAsync("sam@riverside.test");
        using var response = await client.GetAsync("/api/does-not-exist", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        // Before sign-in nothing tells which API paths exist.
        using var anonymous = app.CreateAnonymousClient();
        using var unknown = await anonymous.GetAsync("/api/does-not-exist", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/path", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("/engagements", "/engagements")]
    public async Task Signing_in_with_a_return_address_elsewhere_goes_home_never_a_500_or_another_site(string returnUrl, string expected)
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        using var signedIn = await PageForms.SubmitAsync(browser, "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), "login", new Dictionary<string, string>
        {
            ["Input.Email"] = "sam@riverside.test",
            ["Input.Password"] = TandemApp.DemoPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var location = signedIn.Headers.Location!;
        Assert.True(!location.IsAbsoluteUri || location.Host == "localhost", $"redirected to {location}");
        Assert.Equal(expected, location.IsAbsoluteUri ? location.AbsolutePath : "/" + location.OriginalString.TrimStart('/'));
    }
}
