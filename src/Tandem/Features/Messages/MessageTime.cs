using System.Globalization;
using Tandem.Features.Practices;

namespace Tandem.Features.Messages;

/// <summary>Message times in the reader's own zone, as people say them: "Today 14:05", "Yesterday 09:12", "3 Nov 16:40".</summary>
public static class MessageTime
{
    public static string Format(DateTimeOffset utc, string? zone, DateTimeOffset now)
    {
        var local = TimeZones.ToLocal(utc, zone);
        var today = TimeZones.ToLocal(now, zone).Date;
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        return local.Date == today ? $"Today {time}"
            : local.Date == today.AddDays(-1) ? $"Yesterday {time}"
            : local.Year == today.Year ? local.ToString("d MMM", CultureInfo.InvariantCulture) + " " + time
            : local.ToString("d MMM yyyy", CultureInfo.InvariantCulture) + " " + time;
    }
}
