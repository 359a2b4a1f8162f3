using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;

namespace Tandem.Features.Sessions;

/// <summary>
/// The parts of an iCalendar file (RFC 5545) that calendar apps are strict about and Ical.Net
/// leaves to its caller: a VTIMEZONE that says its offsets, and line folding.
/// </summary>
internal static class CalendarText
{
    private const int MaxOctets = 75;

    /// <summary>
    /// The VTIMEZONE of a zone, with STANDARD (and DAYLIGHT) observances that give the zone's offset
    /// at every instant from <paramref name="from"/> to <paramref name="to"/>, built from the same
    /// TimeZoneInfo that turned the sessions into wall-clock times. Clock changes that follow one
    /// yearly rule over the span become an RRULE (the shape every calendar app reads, Outlook
    /// included); irregular ones (Morocco's Ramadan changes, a rule change) are listed as RDATEs.
    /// Ical.Net's VTimeZone.FromDateTimeZone was tried first: it misplaces Europe/Dublin and
    /// Africa/Casablanca (negative daylight saving) and gives zones without clock changes a
    /// yearly change from an offset they never had.
    /// </summary>
    public static VTimeZone TimeZone(string zoneId, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var end = to.AddYears(1);
        var transitions = Transitions(zone, from.AddYears(-1), end);
        var vzone = new VTimeZone(zoneId);
        if (transitions.Count == 0 || transitions[0].At > from)
        {
            // The offset in force before the first change (or always): one onset long ago.
            var initial = zone.GetUtcOffset(from.AddYears(-1));
            vzone.TimeZoneInfos.Add(Observance(Ical.Net.Components.Standard, new DateTime(1970, 1, 1), initial, initial));
        }

        foreach (var group in transitions.GroupBy(t => (t.From, t.To)))
        {
            var onsets = group.ToList();
            var first = onsets[0];
            var observance = Observance(first.To > first.From ? Ical.Net.Components.Daylight : Ical.Net.Components.Standard, first.LocalOnset, first.From, first.To);
            if (YearlyRule(onsets, end) is { } rule)
            {
                observance.RecurrenceRule = rule;
            }
            else
            {
                foreach (var onset in onsets.Skip(1))
                {
                    observance.RecurrenceDates.Add(new CalDateTime(onset.LocalOnset, true));
                }
            }

            vzone.TimeZoneInfos.Add(observance);
        }

        return vzone;
    }

    private sealed record Transition(DateTimeOffset At, TimeSpan From, TimeSpan To)
    {
        /// <summary>The onset as RFC 5545 wants it: wall-clock time in the offset before the change.</summary>
        public DateTime LocalOnset => DateTime.SpecifyKind((At.UtcDateTime + From), DateTimeKind.Unspecified);
    }

    private static VTimeZoneInfo Observance(string kind, DateTime start, TimeSpan from, TimeSpan to) => new()
    {
        Name = kind,
        Start = new CalDateTime(DateTime.SpecifyKind(start, DateTimeKind.Unspecified), true),
        OffsetFrom = new UtcOffset(from),
        OffsetTo = new UtcOffset(to),
    };

    /// <summary>Every change of offset in the span, to the second (zones change at whole minutes).</summary>
    private static List<Transition> Transitions(TimeZoneInfo zone, DateTimeOffset start, DateTimeOffset end)
    {
        var found = new List<Transition>();
        var before = zone.GetUtcOffset(start);
        for (var day = start; day < end; day = day.AddDays(1))
        {
            var next = day.AddDays(1);
            var after = zone.GetUtcOffset(next);
            if (after == before)
            {
                continue;
            }

            var (low, high) = (day, next);
            while (high - low > TimeSpan.FromSeconds(1))
            {
                var middle = low + ((high - low) / 2);
                (low, high) = zone.GetUtcOffset(middle) == before ? (middle, high) : (low, middle);
            }

            found.Add(new Transition(new DateTimeOffset(high.UtcDateTime.AddTicks(-(high.UtcDateTime.Ticks % TimeSpan.TicksPerSecond)), TimeSpan.Zero), before, after));
            before = after;
        }

        return found;
    }

    /// <summary>
    /// A yearly rule ("last Sunday of March at 01:00") when these onsets are one a year, every year,
    /// to the end of the span (no year missing, none expected before the end), all on the same
    /// weekday of the same week of the same month at the same time.
    /// </summary>
    private static RecurrencePattern? YearlyRule(List<Transition> onsets, DateTimeOffset end)
    {
        var locals = onsets.Select(o => o.LocalOnset).ToList();
        var first = locals[0];
        bool Same(Func<DateTime, object> key) => locals.All(l => Equals(key(l), key(first)));
        var yearly = locals.Select((l, i) => l.Year == first.Year + i).All(x => x) && onsets[^1].At.AddYears(1).AddDays(-7) > end;
        if (locals.Count < 2 || !yearly || !Same(l => l.Month) || !Same(l => l.DayOfWeek) || !Same(l => l.TimeOfDay))
        {
            return null;
        }

        int? week = Same(l => (l.Day - 1) / 7) && (first.Day - 1) / 7 < 4 ? ((first.Day - 1) / 7) + 1
            : locals.All(l => l.Day + 7 > DateTime.DaysInMonth(l.Year, l.Month)) ? -1 : null;
        if (week is null)
        {
            return null;
        }

        var rule = new RecurrencePattern(FrequencyType.Yearly);
        rule.ByMonth.Add(first.Month);
        rule.ByDay.Add(new WeekDay(first.DayOfWeek, week.Value));
        return rule;
    }

    /// <summary>
    /// Refolds content lines at 75 octets with CRLF (RFC 5545 §3.1), never inside a character:
    /// Ical.Net counts octets but may split a character outside the Basic Multilingual Plane.
    /// </summary>
    public static string Fold(string serialized)
    {
        var lines = serialized.Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal)
            .Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        var text = new StringBuilder(serialized.Length + 64);
        foreach (var line in lines)
        {
            var octets = 0;
            foreach (var rune in line.EnumerateRunes())
            {
                var size = rune.Utf8SequenceLength;
                if (octets + size > MaxOctets)
                {
                    text.Append("\r\n ");
                    octets = 1;
                }

                text.Append(rune.ToString());
                octets += size;
            }

            text.Append("\r\n");
        }

        return text.ToString();
    }
}
