using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Practices;

/// <summary>IANA time zone ids, validated against the zones this machine knows.</summary>
public static class TimeZones
{
    public static bool IsKnown(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return false;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
    }

    public static string Require(string? id) =>
        IsKnown(id) ? id!.Trim() : throw new DomainException("Choose a time zone from the list (for example Europe/London).");

    public static TimeZoneInfo Find(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>A short list for pickers: common zones first, then every zone the system knows.</summary>
    public static IReadOnlyList<string> All { get; } = TimeZoneInfo.GetSystemTimeZones()
        .Select(z => z.Id)
        .Where(id => id.Contains('/', StringComparison.Ordinal) || id == "UTC")
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static DateTimeOffset ToLocal(DateTimeOffset utc, string? zoneId) =>
        TimeZoneInfo.ConvertTime(utc, Find(zoneId));
}
