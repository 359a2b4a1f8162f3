using Microsoft.Extensions.Configuration;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Hosting;

namespace Tandem.UnitTests.Audit;

/// <summary>Audit:SummaryHourReadsKept is checked once at start: a value Tandem cannot read stops it with one sentence, not a 500 on each access log view.</summary>
public sealed class AccessLogSettingsTests
{
    private static AccessLogSettings From(string? value) =>
        AccessLogSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [AccessLogSettings.SummaryHourReadsKeptKey] = value }).Build());

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_the_setting_an_hour_of_4096_reads_is_kept(string? value) => Assert.Equal(4096, From(value).SummaryHourReadsKept);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("128", 128)]
    [InlineData(" 10000 ", 10000)]
    public void A_whole_number_is_taken(string value, int kept) => Assert.Equal(kept, From(value).SummaryHourReadsKept);

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("4,096")]
    [InlineData("99999999999")]
    public void Anything_else_stops_the_start_naming_the_setting(string value)
    {
        var refused = Assert.Throws<SettingException>(() => From(value));
        Assert.Contains("Audit:SummaryHourReadsKept is a whole number", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{value}\"", refused.Message, StringComparison.Ordinal);
    }
}
