using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tandem.Data;

namespace Tandem.UnitTests.Data;

/// <summary>Issue 25: PostgreSQL keeps the app's most used statements prepared unless the operator says otherwise.</summary>
public sealed class DatabaseSettingsTests
{
    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "Tandem";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static DatabaseSettings Settings(string runtime, string? migrations = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = runtime,
            ["ConnectionStrings:Migrations"] = migrations,
        };
        return DatabaseSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), new Env());
    }

    [Fact]
    public void The_runtime_connection_prepares_its_most_used_statements_by_default()
    {
        var settings = Settings("Host=db;Username=tandem_app;Password=x;Database=tandem", "Host=db;Username=tandem_owner;Database=tandem");

        var runtime = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal(DatabaseSettings.DefaultMaxAutoPrepare, runtime.MaxAutoPrepare);
        Assert.Equal("tandem_app", runtime.Username);
        Assert.Equal("x", runtime.Password);
        Assert.Equal("tandem_app", settings.RuntimeRole);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(settings.MigrationsConnectionString).MaxAutoPrepare);
    }

    [Theory]
    [InlineData("Host=db;Username=tandem_app;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Username=tandem_app;maxautoprepare=12", 12)]
    public void An_operators_own_setting_is_kept(string connectionString, int expected)
    {
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(Settings(connectionString).ConnectionString).MaxAutoPrepare);
    }
}
