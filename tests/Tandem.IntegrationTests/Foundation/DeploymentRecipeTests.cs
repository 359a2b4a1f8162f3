using System.Net;
using System.Security.Cryptography;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// Issue 26, item 2: the systemd unit and the settings file in deploy/systemd are a recipe that
/// works. The published app is started as the unit starts it (from "/", every setting from the
/// environment file and nothing else, the test's database and folders put in for the CHANGE-ME
/// values) and serves; the unit and the file agree with each other; the owner's database password
/// is never among the running service's settings.
/// </summary>
public sealed class DeploymentRecipeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_systemd_unit_and_its_settings_file_start_tandem_in_production_from_any_folder()
    {
        var root = RepositoryRoot();
        var unit = Directives(await File.ReadAllTextAsync(Path.Combine(root, "deploy", "systemd", "tandem.service"), Ct));
        var template = EnvironmentFile(await File.ReadAllTextAsync(Path.Combine(root, "deploy", "systemd", "tandem.env"), Ct));
        var migrate = EnvironmentFile(await File.ReadAllTextAsync(Path.Combine(root, "deploy", "systemd", "tandem-migrate.env"), Ct));

        // The unit and the file agree: the settings file it reads, the folder it may write, a user that is not root.
        Assert.Equal("/etc/tandem/tandem.env", unit["EnvironmentFile"]);
        Assert.Equal("/", unit["WorkingDirectory"]);
        Assert.EndsWith("Tandem.dll", unit["ExecStart"], StringComparison.Ordinal);
        Assert.NotEqual("root", unit["User"]);
        Assert.Equal("strict", unit["ProtectSystem"]);
        Assert.Equal(template["Tandem__DataFolder"], unit["ReadWritePaths"]);
        Assert.Equal("Production", template["ASPNETCORE_ENVIRONMENT"]);
        Assert.StartsWith("http://127.0.0.1:", template["ASPNETCORE_URLS"], StringComparison.Ordinal);
        Assert.StartsWith("https://", template["Tandem__PublicUrl"], StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", template["Tandem__TrustedProxies"]);

        // Least privilege: the owner's connection is only in the migration's file.
        Assert.DoesNotContain("ConnectionStrings__Migrations", template.Keys);
        Assert.Equal(["ConnectionStrings__Migrations"], migrate.Keys.ToList());
        Assert.Contains("Username=tandem_owner", migrate["ConnectionStrings__Migrations"], StringComparison.Ordinal);
        Assert.Contains("Username=tandem_app", template["ConnectionStrings__Postgres"], StringComparison.Ordinal);

        // What an operator fills in, the test fills in: its database, its folders, a fresh audit key.
        await using var database = await TestDatabase.CreateAsync(seeded: false);
        var folder = Path.Combine(TestEnvironment.RunFolder, "recipe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "audit.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n", Ct);
        var environment = new Dictionary<string, string>(template)
        {
            ["Tandem__DataFolder"] = Path.Combine(folder, "data"),
            ["Audit__ChainKeyFile"] = keyFile,
        };
        environment.Remove("ConnectionStrings__Postgres");
        foreach (var (key, value) in database.Settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        environment.Remove("ConnectionStrings__Migrations");
        // Only the mail password is left as the template has it: nothing is sent here.
        Assert.Equal(["Mail__SmtpPassword"], environment.Where(e => e.Value.Contains("CHANGE-ME", StringComparison.Ordinal)).Select(e => e.Key).ToList());

        var published = await TandemProcess.PublishAsync(Ct);

        // The memory settings the benchmark measured ship inside the app (issue 25): server GC, the old generation
        // compacted early. Neither the unit nor its settings file may put other GC or C-heap settings in their place.
        var runtime = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(published, "Tandem.runtimeconfig.json"), Ct))!;
        var gc = runtime["runtimeOptions"]!["configProperties"]!;
        Assert.True(gc["System.GC.Server"]!.GetValue<bool>());
        Assert.Equal(9, gc["System.GC.ConserveMemory"]!.GetValue<int>());
        string[] memorySettings = ["DOTNET_gc", "DOTNET_GC", "COMPlus_gc", "COMPlus_GC", "MALLOC_", "GLIBC_TUNABLES"];
        var overridden = unit["Environment"].Split(' ').Concat(template.Keys)
            .Where(setting => memorySettings.Any(prefix => setting.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        Assert.True(overridden.Count == 0, $"The service overrides the memory settings the benchmark measured: {string.Join(", ", overridden)}");
        await using var app = await TandemProcess.StartAsync(database, folder, Ct, appDll: Path.Combine(published, "Tandem.dll"), workingDirectory: "/", environment: environment);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        // Through nginx (X-Forwarded-Proto from the trusted proxy): a new server asks for its setup code.
        using (var setup = new HttpRequestMessage(HttpMethod.Get, "/setup"))
        {
            setup.Headers.Add("X-Forwarded-For", "198.51.100.40");
            setup.Headers.Add("X-Forwarded-Proto", "https");
            using var page = await http.SendAsync(setup, Ct);
            var body = await page.Content.ReadAsStringAsync(Ct);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"/setup answered {(int)page.StatusCode}:\n{app.Tail()}");
            Assert.Contains("setup code", body, StringComparison.OrdinalIgnoreCase);
        }

        // Plain http reaching Tandem is sent to the public address's https.
        using (var plain = new HttpRequestMessage(HttpMethod.Get, "/setup"))
        {
            plain.Headers.Add("X-Forwarded-Proto", "http");
            using var redirect = await http.SendAsync(plain, Ct);
            // To the public address, not to whatever host the request named.
            Assert.Equal(template["Tandem__PublicUrl"] + "/setup", redirect.Headers.Location?.ToString());
        }

        // The same through nginx, which passes the public host on: still the https address, never a
        // bare path (the browser would follow it over http again, round and round).
        using (var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/setup"))
        {
            viaProxy.Headers.Host = new Uri(template["Tandem__PublicUrl"]).Host;
            viaProxy.Headers.Add("X-Forwarded-Proto", "http");
            using var redirect = await http.SendAsync(viaProxy, Ct);
            Assert.Equal(template["Tandem__PublicUrl"] + "/setup", redirect.Headers.Location?.ToString());
        }

        Assert.DoesNotContain("cannot start", app.Tail(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>KEY=value lines of a systemd EnvironmentFile; comments and blank lines skipped.</summary>
    private static Dictionary<string, string> EnvironmentFile(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");

    /// <summary>Name=value directives of a unit file (the last of a name wins, as systemd reads single-valued ones).</summary>
    private static Dictionary<string, string> Directives(string text)
    {
        var directives = new Dictionary<string, string>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')))
        {
            var parts = line.Split('=', 2);
            directives[parts[0]] = parts[1];
        }

        return directives;
    }

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Tandem.slnx")))
        {
            dir = Path.GetDirectoryName(dir.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Tandem.slnx not found");
        }

        return dir;
    }
}
