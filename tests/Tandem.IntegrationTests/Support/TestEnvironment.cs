namespace Tandem.IntegrationTests.Support;

public enum TestProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Which database the suite runs on. test.sh runs the integration suite once per provider
/// (TANDEM_TEST_PROVIDER=Sqlite|Postgres) and points TANDEM_TEST_PG at its throwaway cluster.
/// </summary>
public static class TestEnvironment
{
    public static TestProvider Provider =>
        string.Equals(Environment.GetEnvironmentVariable("TANDEM_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase)
            ? TestProvider.Postgres
            : TestProvider.Sqlite;

    public static string PostgresAdminConnection =>
        Environment.GetEnvironmentVariable("TANDEM_TEST_PG") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("TANDEM_TEST_PROVIDER=Postgres needs TANDEM_TEST_PG (test.sh sets both).");

    public static string RunFolder { get; } = CreateRunFolder();

    /// <summary>One id per test process, so templates and databases of parallel runs never collide.</summary>
    public static string RunId { get; } = Guid.NewGuid().ToString("N")[..10];

    private static string CreateRunFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tandem-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
