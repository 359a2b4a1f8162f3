using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// Issue 19, finding 13, and issue 26, item 0: the published app, started by a service manager or
/// a script from some other folder, reads its own appsettings.json, serves its styles and scripts
/// with their content types, opens its live connection, and writes no token to its log, even with
/// the framework's request logging turned up to Information.
/// </summary>
public sealed partial class PublishedAppTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Started_from_another_folder_the_published_app_reads_its_settings_serves_styled_pages_and_logs_no_token()
    {
        var published = await TandemProcess.PublishAsync(Ct);
        var elsewhere = Directory.CreateTempSubdirectory("tandem-elsewhere-").FullName;
        await using var database = await TestDatabase.CreateAsync(seeded: false);
        var dataFolder = Path.Combine(TestEnvironment.RunFolder, "published-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = new List<string> { "--environment", "Production" };
        settings.AddRange(database.Settings.Select(s => $"--{s.Key}={s.Value}"));
        settings.AddRange([
            $"--Tandem:DataFolder={dataFolder}", "--Demo:Seed=true", "--Demo:FormerClients=0", "--Security:RequireHttps=false", "--Mail:Transport=Folder",
            $"--Audit:ChainKey={TandemApp.AuditChainKey}",
            // The framework's request logging on, so that its lines (with the full path and query) are written, and must be masked.
            "--Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics=Information",
        ]);
        await using var app = await TandemProcess.StartAsync(database, dataFolder, Ct, appDll: Path.Combine(published, "Tandem.dll"), workingDirectory: elsewhere, settings: settings);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // A styled page: the stylesheet and the live pages' script it names are served, with their content types.
        var page = await http.GetStringAsync("/Account/Login", Ct);
        var css = Stylesheet().Match(page);
        Assert.True(css.Success, "no stylesheet on the sign-in page");
        using (var sheet = await http.GetAsync(css.Groups[1].Value, Ct))
        {
            Assert.True(sheet.StatusCode == HttpStatusCode.OK && sheet.Content.Headers.ContentType?.MediaType == "text/css",
                $"{css.Groups[1].Value}: {(int)sheet.StatusCode} {sheet.Content.Headers.ContentType}");
            Assert.Contains("--", await sheet.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var js = BlazorScript().Match(page);
        Assert.True(js.Success, "no blazor.web.js on the sign-in page");
        using (var script = await http.GetAsync(js.Groups[1].Value, Ct))
        {
            Assert.True(script.StatusCode == HttpStatusCode.OK && script.Content.Headers.ContentType?.MediaType is "text/javascript" or "application/javascript",
                $"{js.Groups[1].Value}: {(int)script.StatusCode} {script.Content.Headers.ContentType}");
        }

        using (var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1"))
        {
            negotiate.Headers.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
            using var live = await http.SendAsync(negotiate, Ct);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // Token-bearing addresses: an invitation, a calendar feed, secrets in the query.
        var secrets = Enumerable.Range(0, 5).Select(_ => "SeCrEt" + Guid.NewGuid().ToString("N")).ToArray();
        foreach (var path in new[]
        {
            $"/invitations/{secrets[0]}", $"/api/invitations/{secrets[1]}/accept", $"/api/calendar/{secrets[2]}.ics",
            $"/Account/Login?token={secrets[3]}&code={secrets[4]}",
        })
        {
            using var _ = await http.GetAsync(path, Ct);
        }

        await Task.Delay(500, Ct);
        var log = string.Join('\n', app.Output);
        Assert.Contains($"Content root path: {published}", log, StringComparison.Ordinal);
        Assert.Contains("Request starting", log, StringComparison.Ordinal);
        var leaked = secrets.Where(s => log.Contains(s, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(leaked.Count == 0, $"{leaked.Count} tokens in the log:\n" + string.Join('\n', app.Output.Where(l => leaked.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase)))));
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]*tandem[^\"]*\\.css)\"")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("<script src=\"([^\"]*blazor\\.web[^\"]*\\.js)\"")]
    private static partial Regex BlazorScript();
}
