using Microsoft.Extensions.Configuration;
using Tandem.Features.Practices;

namespace Tandem.UnitTests.Practices;

public sealed class SetupCodeTests
{
    private static IConfiguration Config(string? code) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SetupCode.SettingKey] = code }).Build();

    [Fact]
    public void A_made_up_code_has_100_random_bits_in_five_readable_groups_and_differs_each_start()
    {
        var first = new SetupCode(Config(null));
        var second = new SetupCode(Config(null));
        Assert.False(first.IsConfigured);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$", first.Value);
        Assert.NotEqual(first.Value, second.Value);
        Assert.True(first.Matches(first.Value));
        Assert.False(first.Matches(second.Value));
    }

    [Theory]
    [InlineData("quiet-harbour-setup-2026", true)]
    [InlineData("  QUIET HARBOUR SETUP 2026 ", true)]
    [InlineData("quietharboursetup2026", true)]
    [InlineData("quiet-harbour-setup-202", false)]
    [InlineData("quiet-harbour-setup-20266", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_typed_code_matches_whatever_its_case_spaces_and_dashes(string? typed, bool matches) =>
        Assert.Equal(matches, new SetupCode(Config("quiet-harbour-setup-2026")).Matches(typed));

    [Theory]
    [InlineData("1234")]
    [InlineData("short-code-1")]
    [InlineData("----------------")]
    public void A_configured_code_that_could_be_guessed_stops_the_app_at_start(string code)
    {
        var refused = Assert.Throws<Tandem.Infrastructure.Hosting.SettingException>(() => SetupCode.Validate(Config(code)));
        Assert.Contains(SetupCode.SettingKey, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_configured_code_or_a_long_one_starts()
    {
        SetupCode.Validate(Config(null));
        SetupCode.Validate(Config("quiet-harbour-setup-2026"));
    }
}
