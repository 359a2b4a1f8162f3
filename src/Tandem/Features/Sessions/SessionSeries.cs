using System.Globalization;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Sessions;

public enum SessionRepeat
{
    Once,
    Weekly,
    Fortnightly,
}

/// <summary>
/// The starts of sessions planned together. They repeat on the therapist's wall clock (10:00 stays
/// 10:00 across a clock change), end at a last date or after a number of sessions, and a series
/// holds at most <see cref="MaxSessions"/> sessions (each still inside the two-year window).
/// </summary>
public static class SessionSeries
{
    public const int MaxSessions = 52;

    public static IReadOnlyList<DateTimeOffset> Starts(DateTimeOffset first, SessionRepeat repeat, DateOnly? until, int? count, string zoneId)
    {
        if (!Enum.IsDefined(repeat))
        {
            throw Invalid("repeat", "Choose once, weekly or fortnightly.");
        }

        if (repeat == SessionRepeat.Once)
        {
            return [first.ToUniversalTime()];
        }

        if (until is null && count is null)
        {
            throw Invalid("until", "Say when the series ends: a last date or a number of sessions.");
        }

        if (until is not null && count is not null)
        {
            throw Invalid("until", "Give a last date or a number of sessions, not both.");
        }

        var local = TimeZones.ToLocal(first, zoneId);
        var firstDay = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var step = repeat == SessionRepeat.Weekly ? 7 : 14;
        int sessions;
        if (count is { } n)
        {
            if (n is < 1 or > MaxSessions)
            {
                throw Invalid("count", $"A series holds 1 to {MaxSessions} sessions.");
            }

            sessions = n;
        }
        else
        {
            if (until!.Value < firstDay)
            {
                throw Invalid("until", $"The last date comes before the first session ({firstDay.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"))}). Choose a later last date.");
            }

            sessions = (until.Value.DayNumber - firstDay.DayNumber) / step + 1;
            if (sessions > MaxSessions)
            {
                throw Invalid("until", $"That would be {sessions} sessions; a series holds at most {MaxSessions}. Choose an earlier last date.");
            }
        }

        return Enumerable.Range(0, sessions).Select(i => LocalClock.ToUtc(firstDay.AddDays(i * step), time, zoneId)).ToList();
    }

    private static DomainException Invalid(string field, string sentence) =>
        new(sentence, DomainError.Invalid, new Dictionary<string, string[]> { [field] = [sentence] });
}

/// <summary>How a session's state is said to people: calm, plain words.</summary>
public static class SessionWords
{
    public static string Label(SessionStatus status, bool cancelledLate) => status switch
    {
        SessionStatus.Scheduled => "Planned",
        SessionStatus.Completed => "Held",
        SessionStatus.Cancelled => cancelledLate ? "Cancelled late" : "Cancelled",
        _ => "Did not attend",
    };

    public const string VideoInTandem = "Online (video in Tandem)";

    public const string JoinFrom = "Join from 15 minutes before";

    /// <summary>How a session is held, in plain words: the place in person, "Online (video in Tandem)", or "Online (link)" for another service.</summary>
    public static string Where(LocationKind kind, string location) => kind switch
    {
        LocationKind.Video => VideoInTandem,
        LocationKind.Online => "Online (link)",
        _ => location,
    };
}
