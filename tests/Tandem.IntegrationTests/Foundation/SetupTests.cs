using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

public sealed partial class SetupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Form(string? setupCode, string password = "quiet meadow lantern 42")
    {
        var form = new Dictionary<string, string>
        {
            ["Input.PracticeName"] = "Willow Counselling",
            ["Input.TimeZone"] = "Europe/Dublin",
            ["Input.AdminName"] = "Ada Byrne",
            ["Input.AdminEmail"] = "ada@willow.test",
            ["Input.AdminPassword"] = password,
        };
        if (setupCode is not null)
        {
            form["Input.SetupCode"] = setupCode;
        }

        return form;
    }

    [Fact]
    public async Task First_run_leads_to_setup_which_creates_the_practice_and_admin_then_disappears()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var client = app.CreateAnonymousClient();

        using var home = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/setup", home.Headers.Location!.OriginalString);

        // The code as a person copies it from a log: other case, spaces around it.
        using var created = await PageForms.SubmitAsync(client, "/setup", "setup", Form($"  {TandemApp.SetupCode.ToUpperInvariant()} "));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        using var me = await client.GetAsync("/api/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("PracticeAdmin", await me.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var again = await client.GetAsync("/setup", Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await app.WithDbAsync(async db => Assert.Equal(1, await db.Practices.CountAsync(Ct)));
    }

    /// <summary>Issue 26, item 4: whoever reaches a new server first cannot take it without the code from its log.</summary>
    [Fact]
    public async Task Setup_without_the_setup_code_or_with_a_wrong_one_creates_nothing()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var client = app.CreateAnonymousClient();
        var page = await client.GetStringAsync("/setup", Ct);
        Assert.Contains("Setup code", page, StringComparison.Ordinal);

        foreach (var code in new[] { null, "", "wrong-setup-code-2026", TandemApp.SetupCode[..^1] })
        {
            using var refused = await PageForms.SubmitAsync(client, "/setup", "setup", Form(code));
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("setup code", await refused.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        }

        using var me = await client.GetAsync("/api/me", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(0, await db.Practices.CountAsync(Ct));
            Assert.Equal(0, await db.Users.CountAsync(Ct));
        });
    }

    /// <summary>A real server started on an empty database, without Tandem:SetupCode, makes one up and prints it in its log.</summary>
    [Fact]
    public async Task A_new_server_prints_a_setup_code_in_its_log_and_only_that_code_sets_it_up()
    {
        await using var database = await TestDatabase.CreateAsync(seeded: false);
        var dataFolder = Path.Combine(TestEnvironment.RunFolder, "setup-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = TandemProcess.SettingsFor(database, dataFolder).Select(s => s == "--Demo:Seed=true" ? "--Demo:Seed=false" : s).ToList();
        await using var server = await TandemProcess.StartAsync(database, dataFolder, Ct, settings: settings);

        var printed = Printed().Match(string.Join('\n', server.Output));
        Assert.True(printed.Success, "no setup code in the log:\n" + server.Tail());
        var code = printed.Groups[1].Value;

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using (var wrong = await PageForms.SubmitAsync(client, "/setup", "setup", Form(TandemApp.SetupCode)))
        {
            Assert.Contains("setup code", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        }

        using (var created = await PageForms.SubmitAsync(client, "/setup", "setup", Form(code)))
        {
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }

        using var again = await client.GetAsync("/setup", Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Figures.Print($"first-run setup: a made-up code of {code.Replace("-", "", StringComparison.Ordinal).Length} letters and digits printed in the log; a wrong code refused, the printed one works once");
    }

    [Fact]
    public async Task Setup_refuses_a_common_password_and_creates_nothing()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var client = app.CreateAnonymousClient();
        using var response = await PageForms.SubmitAsync(client, "/setup", "setup", Form(TandemApp.SetupCode, "1qaz2wsx3edc"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("most common", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(0, await db.Practices.CountAsync(Ct));
            Assert.Equal(0, await db.Users.CountAsync(Ct));
        });
    }

    [Fact]
    public async Task With_demo_data_setup_is_not_found()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();
        using var response = await client.GetAsync("/setup", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex(@"setup code ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){4})\b")]
    private static partial Regex Printed();
}
