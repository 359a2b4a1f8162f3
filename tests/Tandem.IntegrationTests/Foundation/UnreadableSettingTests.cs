using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// The real app, as systemd starts it, with a typed setting it cannot read: it exits 1 with one line naming the setting,
/// whether it is bound to options, kept by a service or read by a background service or the start's own work. Before, some
/// answered 500 on the first request that needed them and the others stopped the host with a stack trace.
/// </summary>
public sealed class UnreadableSettingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Security:IdleTimeout", "half an hour", "Tandem cannot start: Security:IdleTimeout must be a length of time such as 00:30:00")]
    [InlineData("Sessions:ReminderInterval", "soon", "Tandem cannot start: Sessions:ReminderInterval must be a length of time such as 00:30:00")]
    [InlineData("Demo:Seed", "maybe", "Tandem cannot start: Demo:Seed must be true or false; \"maybe\" is not (environment variable Demo__Seed).")]
    [InlineData("Database:SqliteCheckpointInterval", "01:00:00", "Tandem cannot start: Database:SqliteCheckpointInterval must be between 00:00:00 (off) and 00:10:00; 01:00:00 is not.")]
    [InlineData("Tandem:ViewCache", "yes", "Tandem cannot start: Tandem:ViewCache must be true or false; \"yes\" is not (environment variable Tandem__ViewCache).")]
    public async Task An_unreadable_setting_stops_the_start_with_one_line_naming_it(string key, string value, string expected)
    {
        await using var database = await TestDatabase.CreateAsync(seeded: false);
        var folder = Path.Combine(TestEnvironment.RunFolder, $"setting-{Guid.NewGuid().ToString("N")[..8]}");
        var settings = TandemProcess.SettingsFor(database, folder);
        settings.Add($"--{key}={value}");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TandemProcess.StartAsync(database, folder, Ct, settings: settings));

        Assert.Contains("exited at start with code 1", refused.Message, StringComparison.Ordinal);
        var line = Assert.Single(refused.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }
}
