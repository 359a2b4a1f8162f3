using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.Practices;

public sealed class PracticeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_practice_needs_a_name_and_a_real_time_zone()
    {
        Assert.Throws<DomainException>(() => Practice.Create(" ", "Europe/London", Now));
        Assert.Throws<DomainException>(() => Practice.Create("Willow", "Nowhere/Else", Now));
        var practice = Practice.Create("  Willow  ", "Europe/Dublin", Now);
        Assert.Equal("Willow", practice.Name);
        Assert.NotEqual(Guid.Empty, practice.Id);
    }

    [Fact]
    public void Local_time_follows_daylight_saving()
    {
        var summer = TimeZones.ToLocal(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero), "Europe/London");
        var winter = TimeZones.ToLocal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), "Europe/London");
        Assert.Equal(13, summer.Hour);
        Assert.Equal(12, winter.Hour);
    }

    [Fact]
    public void The_picker_lists_common_zones()
    {
        Assert.Contains("Europe/London", TimeZones.All);
        Assert.Contains("America/Los_Angeles", TimeZones.All);
        Assert.Contains("UTC", TimeZones.All);
    }
}
