using System.Globalization;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Sessions;

/// <summary>Wall-clock times in a person's zone, both ways, and how Tandem writes them.</summary>
public static class LocalClock
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>A date and time as read on a clock in that zone, as an instant. Times skipped by a clock change are refused.</summary>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time, string zoneId)
    {
        var zone = TimeZones.Find(zoneId);
        var wall = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
        {
            throw new DomainException($"{time:HH:mm} does not exist on {date.ToString("d MMMM", Culture)} in {zoneId}: the clocks go forward. Choose another time.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["time"] = ["Skipped by the clock change."] });
        }

        // An hour that happens twice (clocks go back) is taken the first time.
        var offset = zone.IsAmbiguousTime(wall) ? zone.GetAmbiguousTimeOffsets(wall).Max() : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    /// <summary>The start of that local day as an instant; a midnight skipped by a clock change moves to the first minute that exists.</summary>
    public static DateTimeOffset ToUtcLenient(DateOnly date, string zoneId)
    {
        var zone = TimeZones.Find(zoneId);
        var wall = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(wall) ? zone.GetAmbiguousTimeOffsets(wall).Max() : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    public static string Day(DateTimeOffset local) => local.ToString("dddd d MMMM yyyy", Culture);

    public static string ShortDay(DateTimeOffset local) => local.ToString("ddd d MMM", Culture);

    public static string Time(DateTimeOffset local) => local.ToString("HH:mm", Culture);

    public static string When(DateTimeOffset local) => local.ToString("dddd d MMMM yyyy, HH:mm", Culture);

    public static string Stamp(DateTimeOffset local) => local.ToString("d MMM yyyy, HH:mm", Culture);

    /// <summary>The Monday of the week that holds this local date.</summary>
    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
}
