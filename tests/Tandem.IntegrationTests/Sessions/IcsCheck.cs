using System.Globalization;
using System.Text;

namespace Tandem.IntegrationTests.Sessions;

/// <summary>
/// Reads an iCalendar text the way a strict calendar app does, without Ical.Net's own time zone
/// database: the offsets of a TZID come only from its VTIMEZONE (RFC 5545 §3.6.5), so a feed whose
/// VTIMEZONE is empty or wrong shows up here even when Ical.Net would quietly look the zone up.
/// </summary>
internal static class IcsCheck
{
    public sealed record Observance(string Kind, DateTime Start, TimeSpan OffsetFrom, TimeSpan OffsetTo, string? RRule, IReadOnlyList<DateTime> RDates);

    public sealed record Zone(string TzId, IReadOnlyList<Observance> Observances)
    {
        /// <summary>The UTC instant of a wall-clock time in this zone, from the VTIMEZONE alone.</summary>
        public DateTime ToUtc(DateTime local)
        {
            var onsets = Observances
                .SelectMany(o => Onsets(o, local.Year + 1).Select(at => (Utc: at - o.OffsetFrom, o.OffsetTo)))
                .OrderByDescending(x => x.Utc)
                .ToList();
            Assert.True(onsets.Count > 0, $"VTIMEZONE {TzId} has no observance (STANDARD or DAYLIGHT).");
            foreach (var (utc, offsetTo) in onsets)
            {
                if (local - offsetTo >= utc)
                {
                    return local - offsetTo;
                }
            }

            Assert.Fail($"VTIMEZONE {TzId} has no observance in force at {local:s}.");
            return default;
        }
    }

    /// <summary>Content lines after unfolding (CRLF followed by one space or tab).</summary>
    public static IReadOnlyList<string> Lines(string ics) =>
        ics.Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal)
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Fails unless every line ends CRLF and is at most 75 octets, folded between characters.</summary>
    public static void AssertWellFormedLines(string ics)
    {
        Assert.EndsWith("\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', ics);
        var physical = ics[..^2].Split("\r\n");
        foreach (var line in physical)
        {
            Assert.False(line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal), $"A bare line break: {line}");
            var octets = Encoding.UTF8.GetByteCount(line);
            Assert.True(octets <= 75, $"A line of {octets} octets (RFC 5545 §3.1 allows 75): {line}");
            Assert.True(line.Length == 0 || !char.IsLowSurrogate(line[line[0] == ' ' ? Math.Min(1, line.Length - 1) : 0]), $"A fold splits a character: {line}");
            Assert.False(line.Length > 0 && char.IsHighSurrogate(line[^1]), $"A fold splits a character: {line}");
        }
    }

    public static IReadOnlyList<Zone> Zones(string ics)
    {
        var zones = new List<Zone>();
        var lines = Lines(ics);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] != "BEGIN:VTIMEZONE")
            {
                continue;
            }

            string? tzid = null;
            var observances = new List<Observance>();
            for (i++; lines[i] != "END:VTIMEZONE"; i++)
            {
                if (lines[i].StartsWith("TZID:", StringComparison.Ordinal))
                {
                    tzid = lines[i]["TZID:".Length..];
                }
                else if (lines[i] is "BEGIN:STANDARD" or "BEGIN:DAYLIGHT")
                {
                    var kind = lines[i]["BEGIN:".Length..];
                    var props = new List<(string Name, string Value)>();
                    for (i++; lines[i] != $"END:{kind}"; i++)
                    {
                        var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                        props.Add((lines[i][..colon].Split(';')[0], lines[i][(colon + 1)..]));
                    }

                    string One(string name) => Assert.Single(props, p => p.Name == name).Value;
                    observances.Add(new Observance(kind, Local(One("DTSTART")), Offset(One("TZOFFSETFROM")), Offset(One("TZOFFSETTO")),
                        props.SingleOrDefault(p => p.Name == "RRULE").Value,
                        props.Where(p => p.Name == "RDATE").SelectMany(p => p.Value.Split(',')).Select(Local).ToList()));
                }
            }

            zones.Add(new Zone(Assert.IsType<string>(tzid), observances));
        }

        return zones;
    }

    /// <summary>Each (TZID, wall-clock value) of a DTSTART or DTEND line.</summary>
    public static IEnumerable<(string Name, string? TzId, string Value)> Times(string ics) =>
        Lines(ics).Where(l => l.StartsWith("DTSTART", StringComparison.Ordinal) || l.StartsWith("DTEND", StringComparison.Ordinal))
            .Select(l =>
            {
                var colon = l.IndexOf(':', StringComparison.Ordinal);
                var head = l[..colon].Split(';');
                var tz = head.Skip(1).FirstOrDefault(p => p.StartsWith("TZID=", StringComparison.Ordinal))?["TZID=".Length..];
                return (head[0], tz, l[(colon + 1)..]);
            });

    public static DateTime Local(string value) =>
        DateTime.ParseExact(value.TrimEnd('Z'), "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);

    private static TimeSpan Offset(string value)
    {
        var sign = value[0] == '-' ? -1 : 1;
        var span = new TimeSpan(int.Parse(value[1..3], CultureInfo.InvariantCulture), int.Parse(value[3..5], CultureInfo.InvariantCulture),
            value.Length > 5 ? int.Parse(value[5..7], CultureInfo.InvariantCulture) : 0);
        return sign * span;
    }

    /// <summary>DTSTART, RDATEs and the yearly RRULE occurrences (the only RRULE shape time zones use) up to a year.</summary>
    private static IEnumerable<DateTime> Onsets(Observance o, int untilYear)
    {
        yield return o.Start;
        foreach (var rdate in o.RDates)
        {
            yield return rdate;
        }

        if (o.RRule is null)
        {
            yield break;
        }

        var parts = o.RRule.Split(';').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("YEARLY", parts["FREQ"]);
        Assert.True(parts.Keys.All(k => k is "FREQ" or "BYMONTH" or "BYDAY" or "UNTIL" or "BYMONTHDAY"), $"An RRULE this check cannot read: {o.RRule}");
        var until = parts.TryGetValue("UNTIL", out var u) ? Local(u) : DateTime.MaxValue;
        var month = int.Parse(parts["BYMONTH"], CultureInfo.InvariantCulture);
        for (var year = o.Start.Year; year <= untilYear; year++)
        {
            DateTime day;
            if (parts.TryGetValue("BYMONTHDAY", out var md))
            {
                day = new DateTime(year, month, int.Parse(md, CultureInfo.InvariantCulture));
            }
            else
            {
                var byDay = parts["BYDAY"];
                var weekday = Enum.GetValues<DayOfWeek>().Single(d => d.ToString()[..2].Equals(byDay[^2..], StringComparison.OrdinalIgnoreCase));
                var n = int.Parse(byDay[..^2], CultureInfo.InvariantCulture);
                var first = new DateTime(year, month, 1);
                var firstMatch = first.AddDays(((int)weekday - (int)first.DayOfWeek + 7) % 7);
                day = n > 0 ? firstMatch.AddDays(7 * (n - 1)) : firstMatch.AddDays(7 * ((DateTime.DaysInMonth(year, month) - firstMatch.Day) / 7));
                Assert.True(n is -1 or (>= 1 and <= 4), $"An RRULE this check cannot read: {o.RRule}");
            }

            var at = day + o.Start.TimeOfDay;
            if (at >= o.Start && at <= until)
            {
                yield return at;
            }
        }
    }
}
