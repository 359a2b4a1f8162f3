using Microsoft.Extensions.Configuration;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// Issue 26 item 7: `Tandem migrate` upgrades the database and says so; with Database:MigrateOnStart=false
/// (PostgreSQL's default in production) the app refuses to run on a database that is behind.
/// </summary>
public sealed class MigrateCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_brings_an_empty_database_up_to_date_and_the_app_then_starts_without_migrating()
    {
        await using var database = await TestDatabase.CreateEmptyAsync($"m_{TestEnvironment.RunId}_{Guid.NewGuid():N}"[..40]);
        var dataFolder = Path.Combine(TestEnvironment.RunFolder, "migrate-" + Guid.NewGuid().ToString("N")[..12]);
        string[] noMigrating = ["--Database:MigrateOnStart=false", "--Demo:Seed=false"];

        // Behind its schema, the app does not start, and says what to do.
        var (refused, refusal) = await RunAsync([], database, dataFolder, noMigrating);
        Assert.True(refused != 0, $"the app started on an empty database without migrating: {refusal}");
        Assert.Contains("migration(s) behind", refusal, StringComparison.Ordinal);
        Assert.Contains("migrate", refusal, StringComparison.Ordinal);

        var (exit, output) = await RunAsync(["migrate"], database, dataFolder);
        Assert.True(exit == 0, $"migrate exited {exit}: {output}");
        Assert.Matches("Applied [0-9]+ migration\\(s\\) to the (Sqlite|Postgres) database; it is now at [0-9]+_", output);
        if (database.Provider == TestProvider.Postgres)
        {
            Assert.Contains($"Runtime role \"{TestDatabase.RuntimeRole}\" may read and write", output, StringComparison.Ordinal);
        }

        var (again, second) = await RunAsync(["migrate"], database, dataFolder);
        Assert.True(again == 0, $"a second migrate exited {again}: {second}");
        Assert.Contains("is up to date", second, StringComparison.Ordinal);

        await using var app = await TandemProcess.StartAsync(database, dataFolder, Ct,
            settings: [.. TandemProcess.SettingsFor(database, dataFolder), .. noMigrating]);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Equal("ok", await http.GetStringAsync(new Uri("health", UriKind.Relative), Ct));
    }

    [Theory]
    [InlineData("Production", "Postgres", false)]
    [InlineData("Development", "Postgres", true)]
    [InlineData("Production", "Sqlite", true)]
    public void Migrating_at_start_is_the_default_but_for_postgres_in_production(string environment, string provider, bool expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=tandem;Username=tandem_app",
        }).Build();
        var env = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment, ContentRootPath = Path.GetTempPath() };
        Assert.Equal(expected, Data.DatabaseSettings.From(config, env).MigrateOnStart);
    }

    /// <summary>A command, or the app itself (no command), run to its end; two minutes at most.</summary>
    private static async Task<(int, string)> RunAsync(string[] command, TestDatabase database, string dataFolder, string[]? extra = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            return await TandemProcess.RunCommandAsync(command, database, dataFolder, timeout.Token, [.. extra ?? [], "--urls", "http://127.0.0.1:0", "--Tandem:PublicUrl=http://127.0.0.1"]);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return (-1, $"`{string.Join(' ', command)}` was still running after two minutes (the app served instead of exiting?)");
        }
    }
}
