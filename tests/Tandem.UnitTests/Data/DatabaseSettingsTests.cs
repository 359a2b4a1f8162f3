using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tandem.Data;

namespace Tandem.UnitTests.Data;

/// <summary>
/// Npgsql's automatic preparation stays off: with Npgsql 10 a statement refused while it is being prepared breaks its
/// next use on that connection (npgsql/npgsql#6391), and Tandem refuses duplicate submissions by design.
/// </summary>
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
    public void The_runtime_connection_does_not_prepare_statements_automatically()
    {
        var settings = Settings("Host=db;Username=tandem_app;Password=x;Database=tandem", "Host=db;Username=tandem_owner;Database=tandem");

        var runtime = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal(0, runtime.MaxAutoPrepare);
        Assert.Equal("tandem_app", runtime.Username);
        Assert.Equal("x", runtime.Password);
        Assert.Equal("tandem_app", settings.RuntimeRole);
        Assert.Null(DatabaseSettings.AutoPrepareWarning(settings.ConnectionString));
    }

    [Theory]
    [InlineData("Host=db;Username=tandem_app;Max Auto Prepare=20")]
    [InlineData("Host=db;Username=tandem_app;maxautoprepare=12")]
    public void An_operator_who_turns_it_on_is_told_why_not(string connectionString)
    {
        var warning = DatabaseSettings.AutoPrepareWarning(Settings(connectionString).ConnectionString);

        Assert.NotNull(warning);
        Assert.Contains("6391", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_pool_skips_the_reset_and_the_owners_does_not()
    {
        var settings = Settings("Host=db;Username=tandem_app;Password=x;Database=tandem", "Host=db;Username=tandem_owner;Database=tandem");

        Assert.True(new NpgsqlConnectionStringBuilder(settings.ConnectionString).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(settings.MigrationsConnectionString).NoResetOnClose);
        Assert.Equal("x", new NpgsqlConnectionStringBuilder(settings.ConnectionString).Password);
    }

    [Theory]
    [InlineData("Host=db;Username=tandem_app;No Reset On Close=false")]
    [InlineData("Host=db;Username=tandem_app;noresetonclose=false")]
    public void An_operator_who_asks_for_the_reset_keeps_it(string connectionString)
    {
        Assert.False(new NpgsqlConnectionStringBuilder(Settings(connectionString).ConnectionString).NoResetOnClose);
    }
}
