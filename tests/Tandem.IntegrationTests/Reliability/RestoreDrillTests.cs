using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Reliability;

/// <summary>
/// Issue 26, item 10 and "Tests": the restore drill of docs/operations.md, "Backups", run as an operator would.
/// deploy/tandem-backup.sh takes last night's backup as its timer runs it (settings from the environment, encrypted
/// with age, old backups pruned, the off-site hook called); deploy/tandem-restore.sh restores it into a fresh, empty
/// database; Tandem starts on it, verify-audit passes with the audit chain key, and a message written before the
/// backup is there.
/// </summary>
[Trait("Suite", "Reliability")]
public sealed class RestoreDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Last_nights_encrypted_backup_restores_into_a_fresh_database_with_its_records_and_a_verified_audit_chain()
    {
        var clock = Stopwatch.StartNew();
        await EnsureAgeAsync();
        var folder = Path.Combine(TestEnvironment.RunFolder, "drill-" + Guid.NewGuid().ToString("N")[..10]);
        var backups = Path.Combine(folder, "backups");
        var offsite = Path.Combine(folder, "offsite");
        Directory.CreateDirectory(backups);
        Directory.CreateDirectory(offsite);
        var identity = Path.Combine(folder, "backup-identity.txt");
        var recipients = Path.Combine(folder, "backup-recipients.txt");
        var none = new Dictionary<string, string>();
        Assert.Equal(0, (await RunAsync("age-keygen", ["-o", identity], none)).ExitCode);
        var (_, publicKey) = await RunAsync("age-keygen", ["-y", identity], none);
        await File.WriteAllTextAsync(recipients, publicKey, Ct);

        // The practice at work: Sam writes to the therapist; reading and writing leave audit entries.
        var known = "Drill " + Guid.NewGuid().ToString("N")[..8] + ": the plan for the week is a walk every morning.";
        Guid engagement;
        await using var source = await TestDatabase.CreateAsync(seeded: true);
        await using (var app = new TandemApp(source, seeded: true, new Dictionary<string, string?>()))
        {
            engagement = await Demo.SamsEngagementAsync(app);
            using var sam = await app.ClientForAsync("sam@riverside.test");
            await sam.PostJsonAsync($"/api/engagements/{engagement}/messages", new { body = known }, System.Net.HttpStatusCode.Created);
            await sam.GetJsonAsync($"/api/engagements/{engagement}/plan");
        }

        // A backup of 20 days ago, to be pruned (14 days are kept).
        var stale = Path.Combine(backups, "tandem-2000-01-01T023000Z.backup.age");
        await File.WriteAllTextAsync(stale, "old", Ct);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-20));

        // Last night, as tandem-backup.service runs it: Tandem's settings in the environment, the backup's own beside them.
        var sourceData = Path.Combine(folder, "data");
        var backupEnv = new Dictionary<string, string>(ServiceEnvironment(source, sourceData))
        {
            ["TANDEM_APP_DIR"] = AppContext.BaseDirectory,
            ["TANDEM_BACKUP_DIR"] = backups,
            ["TANDEM_BACKUP_RECIPIENTS"] = recipients,
            ["TANDEM_BACKUP_KEEP_DAYS"] = "14",
            ["TANDEM_BACKUP_OFFSITE"] = $"cp \"$1\" '{offsite}/'",
        };
        var (backupExit, backupOutput) = await RunAsync("bash", [Script("tandem-backup.sh")], backupEnv);
        Assert.True(backupExit == 0, $"tandem-backup.sh exited {backupExit}: {backupOutput}");
        var file = Assert.Single(Directory.GetFiles(backups));
        Assert.Matches(@"tandem-\d{4}-\d{2}-\d{2}T\d{6}Z\.backup\.age$", file);
        Assert.False(File.Exists(stale), "the backup of 20 days ago was not removed");
        Assert.Empty(Directory.GetDirectories(backups)); // no partial (plain) copy left behind
        Assert.True(File.Exists(Path.Combine(offsite, Path.GetFileName(file))), $"the off-site hook did not copy the backup: {backupOutput}");
        // Encrypted: age's header, not SQLite's or pg_dump's, and no clinical text in the clear.
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        Assert.StartsWith("age-encryption.org/v1", System.Text.Encoding.ASCII.GetString(bytes, 0, 21), StringComparison.Ordinal);
        Assert.DoesNotContain("walk every morning", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // The drill: a fresh, empty database (a new server), the identity brought from where it is kept.
        await using var fresh = await TestDatabase.CreateEmptyAsync($"drill_{TestEnvironment.RunId}_{Guid.NewGuid():N}"[..40]);
        var freshData = Path.Combine(folder, "restored-data");
        var restoreEnv = new Dictionary<string, string>(ServiceEnvironment(fresh, freshData))
        {
            ["TANDEM_APP_DIR"] = AppContext.BaseDirectory,
            ["TANDEM_BACKUP_IDENTITY"] = identity,
        };
        var (restoreExit, restoreOutput) = await RunAsync("bash", [Script("tandem-restore.sh"), file], restoreEnv);
        Assert.True(restoreExit == 0, $"tandem-restore.sh exited {restoreExit}: {restoreOutput}");
        Assert.Contains("Audit chain intact", restoreOutput, StringComparison.Ordinal);

        var (verifyExit, verifyOutput) = await TandemProcess.RunCommandAsync(["verify-audit"], fresh, freshData, Ct);
        Assert.True(verifyExit == 0, $"verify-audit on the restored database exited {verifyExit}: {verifyOutput}");
        Assert.Contains("intact", verifyOutput, StringComparison.Ordinal);

        await using (var restored = await TandemProcess.StartAsync(fresh, freshData, Ct))
        {
            using var http = new HttpClient { BaseAddress = restored.BaseAddress };
            using var login = await http.PostAsJsonAsync("api/auth/login", new { email = "sam@riverside.test", password = TandemApp.DemoPassword }, Ct);
            Assert.True(login.IsSuccessStatusCode, $"sign-in on the restored Tandem: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync(Ct)}");
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var thread = await http.GetStringAsync($"api/engagements/{engagement}/messages", Ct);
            Assert.Contains(known, thread, StringComparison.Ordinal);
        }

        Figures.Print($"restore drill ({TestEnvironment.Provider}): encrypted backup {bytes.Length:N0} bytes, backup + restore + verify + start in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Tandem's settings as the systemd units pass them: environment variables (Section__Key), Production.</summary>
    private static Dictionary<string, string> ServiceEnvironment(TestDatabase database, string dataFolder)
    {
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        var settings = TandemProcess.SettingsFor(database, dataFolder);
        foreach (var setting in settings.Where(s => s.StartsWith("--", StringComparison.Ordinal) && s.Contains('=', StringComparison.Ordinal)))
        {
            var at = setting.IndexOf('=', StringComparison.Ordinal);
            env[setting[2..at].Replace(":", "__", StringComparison.Ordinal)] = setting[(at + 1)..];
        }

        return env;
    }

    private static string Script(string name)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tandem.slnx")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Tandem.slnx not found above the test's folder");
        }

        return Path.Combine(root, "deploy", name);
    }

    /// <summary>age comes from Debian, installed when missing (as ./test.sh installs PostgreSQL and nginx).</summary>
    private static async Task EnsureAgeAsync()
    {
        if ((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "age"))))
        {
            return;
        }

        var install = await RunAsync("bash", ["-c", "apt-get install -y -q age || { apt-get update -q && apt-get install -y -q age; }"],
            new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
        Assert.True(install.ExitCode == 0, $"age could not be installed from Debian: {install.Output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "DOTNET_URLS" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            await process.WaitForExitAsync(Ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
