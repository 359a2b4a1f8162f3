using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.UnitTests.Accounts;

/// <summary>Security:PasswordHashIterations may raise the OWASP count, never lower it outside the test suites.</summary>
public sealed class PasswordHashingTests
{
    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Tandem";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static int Iterations(string? value, string environment = "Production") =>
        PasswordHashing.Iterations(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [PasswordHashing.IterationsKey] = value }).Build(),
            new Env(environment));

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    [InlineData("Test")]
    public void Without_the_setting_it_is_the_OWASP_count(string environment) => Assert.Equal(210_000, Iterations(null, environment));

    [Fact]
    public void An_installation_may_raise_it() => Assert.Equal(600_000, Iterations("600000"));

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    [InlineData("Staging")]
    public void Fewer_than_210000_iterations_stop_the_start_with_a_sentence(string environment)
    {
        var refused = Assert.Throws<SettingException>(() => Iterations("1000", environment));
        Assert.Contains("below the 210,000 iterations", refused.Message, StringComparison.Ordinal);
        Assert.Contains(PasswordHashing.IterationsKey, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_test_suites_may_hash_with_fewer() => Assert.Equal(1_000, Iterations("1000", "Test"));

    [Theory]
    [InlineData("many")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("2.5")]
    public void A_value_that_is_not_a_count_is_refused(string value) =>
        Assert.Contains("whole number of iterations", Assert.Throws<SettingException>(() => Iterations(value, "Test")).Message, StringComparison.Ordinal);
}
