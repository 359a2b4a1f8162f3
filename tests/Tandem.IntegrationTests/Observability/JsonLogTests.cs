using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Observability;

/// <summary>
/// Issue 26, item 5: Tandem:LogFormat=json writes one JSON object a line to standard output, for a log
/// collector, with the same redaction as the text log: a failed sign-in for a known account leaves no
/// email address, password or token in it.
/// </summary>
public sealed partial class JsonLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_json_logs_every_line_is_json_and_a_failed_sign_in_logs_no_email()
    {
        const string email = "sam@riverside.test";
        const string wrongPassword = "Not-Sams-Password-4711";
        await using var database = await TestDatabase.CreateAsync(seeded: true);
        var dataFolder = Path.Combine(TestEnvironment.RunFolder, "jsonlog-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = TandemProcess.SettingsFor(database, dataFolder);
        settings.AddRange([
            "--Tandem:LogFormat=json",
            // Everything at Information, the framework's request lines (with path and query) included.
            "--Serilog:MinimumLevel:Default=Information",
            "--Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime=Information",
            "--Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics=Information",
            "--Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Identity=Debug",
            // The demo's own banner lists the made-up demo accounts for whoever started it: not this test's subject.
            "--Serilog:MinimumLevel:Override:Tandem.Infrastructure.Hosting.DatabaseInitializer=Warning",
        ]);
        await using var app = await TandemProcess.StartAsync(database, dataFolder, Ct, settings: settings);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        http.DefaultRequestHeaders.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));

        using (var failed = await http.PostAsJsonAsync("/api/auth/login", new { email, password = wrongPassword }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var reset = await http.PostAsJsonAsync("/api/auth/password-reset", new { email }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
        }

        using (var page = await http.GetAsync("/Account/Login?email=" + Uri.EscapeDataString(email), Ct))
        {
        }

        await Task.Delay(1000, Ct);
        var lines = app.StandardOutput.Where(l => l.Length > 0).ToList();
        Assert.Contains(lines, l => l.Contains("Request starting", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("/api/auth/login", StringComparison.Ordinal));
        var notJson = lines.Where(l => !IsJsonObject(l)).ToList();
        Assert.True(notJson.Count == 0, $"{notJson.Count} of {lines.Count} lines are not JSON:\n" + string.Join('\n', notJson.Take(10)));
        var withEmail = lines.Where(l => EmailAddress().IsMatch(l) || l.Contains(wrongPassword, StringComparison.Ordinal)).ToList();
        Assert.True(withEmail.Count == 0, "Lines with an email address or the password:\n" + string.Join('\n', withEmail));
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("@t", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailAddress();
}
