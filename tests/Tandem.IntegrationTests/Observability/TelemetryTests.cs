using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Measures;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Observability;

/// <summary>
/// Issue 26, item 5: with OTEL_EXPORTER_OTLP_ENDPOINT set, the real app exports traces and metrics
/// (its own meter "Tandem" too) over OTLP/HTTP, and nothing it exports holds an email address, a
/// password, a token or what a person wrote.
/// </summary>
public sealed partial class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Email = "sam@riverside.test";

    [Fact]
    public async Task With_an_OTLP_endpoint_traces_and_Tandem_metrics_arrive_without_emails_tokens_passwords_or_clinical_text()
    {
        await using var receiver = new OtlpReceiver();
        await using var database = await TestDatabase.CreateAsync(seeded: true);
        var dataFolder = Path.Combine(TestEnvironment.RunFolder, "otel-" + Guid.NewGuid().ToString("N")[..8]);
        await using var app = await TandemProcess.StartAsync(database, dataFolder, Ct, addedEnvironment: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        http.DefaultRequestHeaders.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));

        // Sign in: the email, the password and both tokens must never leave in telemetry.
        using var login = await http.PostAsJsonAsync("/api/auth/login", new { email = Email, password = TandemApp.DemoPassword }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = JsonSerializer.Deserialize<TokenResponse>(await login.Content.ReadAsStringAsync(Ct), Json.Options)!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        var engagements = await http.GetJsonAsync("/api/engagements");
        var sams = engagements.EnumerateArray().First(e => e.Str("title").Contains("footing", StringComparison.Ordinal)).Id();

        // A questionnaire with a risk answer (an alert), and one with words of the person's own.
        var clinical = "I keep thinking about the night of the flood " + Guid.NewGuid().ToString("N")[..8];
        await http.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Phq9(each: 1, item9: 1), HttpStatusCode.Created);
        await http.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Collaboration("collaboration-check", 3, clinical), HttpStatusCode.Created);
        await http.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = clinical + " (message)" }, HttpStatusCode.Created);

        // A calendar feed fetched by its secret link, without sign-in, with a secret in its query too.
        var feed = await http.PostJsonAsync("/api/me/calendar-feed", null, HttpStatusCode.Created);
        var feedUrl = new Uri(feed.Str("url"));
        var feedToken = Regex.Match(feedUrl.AbsolutePath, "/api/calendar/([^/.]+)").Groups[1].Value;
        Assert.True(feedToken.Length > 20, feedUrl.AbsolutePath);
        var querySecret = "q" + Guid.NewGuid().ToString("N");
        using (var anonymous = new HttpClient { BaseAddress = app.BaseAddress })
        {
            using var ics = await anonymous.GetAsync(feedUrl.AbsolutePath + "?token=" + querySecret + "&email=" + Uri.EscapeDataString(Email), Ct);
            Assert.Equal(HttpStatusCode.OK, ics.StatusCode);
        }

        var missingSpans = await receiver.WaitForAsync("/v1/traces", ["/api/auth/login", "/api/engagements/{id:guid}/responses", "/api/calendar/{token}.ics", "http.response.status_code"], TimeSpan.FromSeconds(30), Ct);
        var missingMetrics = await receiver.WaitForAsync("/v1/metrics", [
            "tandem.responses.submitted", "phq-9", "collaboration-check", "tandem.alerts.raised", "Risk", "tandem.audit.batch.size", "tandem.audit.write.duration",
            "tandem.outbox.depth", "http.server.request.duration", "dotnet.gc.collections",
        ], TimeSpan.FromSeconds(30), Ct);
        Assert.True(missingSpans.Count == 0, "Spans not exported: " + string.Join(", ", missingSpans) + $"\nreceived: {string.Join(", ", receiver.Received.Select(r => r.Path))}\n{app.Tail()}");
        Assert.True(missingMetrics.Count == 0, "Metrics not exported: " + string.Join(", ", missingMetrics));

        var everything = receiver.AllText;
        var secrets = new Dictionary<string, string>
        {
            ["the email"] = Email,
            ["the password"] = TandemApp.DemoPassword,
            ["the access token"] = tokens.AccessToken,
            ["the refresh token"] = tokens.RefreshToken,
            ["the calendar feed token"] = feedToken,
            ["a secret in a query string"] = querySecret,
            ["the person's own words"] = clinical,
        };
        var leaked = secrets.Where(s => everything.Contains(s.Value, StringComparison.OrdinalIgnoreCase)).Select(s => s.Key).ToList();
        Assert.True(leaked.Count == 0, "Exported telemetry holds " + string.Join(", ", leaked));
        var emails = EmailAddress().Matches(everything).Select(m => m.Value).Distinct().ToList();
        Assert.True(emails.Count == 0, "Exported telemetry holds email addresses: " + string.Join(", ", emails));
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailAddress();
}

/// <summary>Without OTEL_EXPORTER_OTLP_ENDPOINT nothing of OpenTelemetry is there: no provider, no listener, no exporter (zero cost).</summary>
public sealed class TelemetryOffTests
{
    [Fact]
    public async Task Without_an_OTLP_endpoint_no_OpenTelemetry_provider_is_registered()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);

        Assert.Null(app.Services.GetService(typeof(OpenTelemetry.Trace.TracerProvider)));
        Assert.Null(app.Services.GetService(typeof(OpenTelemetry.Metrics.MeterProvider)));
        Assert.False(Tandem.Infrastructure.Observability.Telemetry.IsEnabled(app.Service<Microsoft.Extensions.Configuration.IConfiguration>()));
    }
}
