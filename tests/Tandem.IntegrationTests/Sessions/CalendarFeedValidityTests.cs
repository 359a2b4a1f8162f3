using System.Net;
using Ical.Net;
using Tandem.Features.Practices;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

/// <summary>
/// RFC 5545 validity of the calendar feeds: a calendar that does not know a zone by name places the
/// sessions from the VTIMEZONE alone, so every VTIMEZONE must say its offsets (§3.6.5), and the file
/// must be lines of at most 75 octets ending CRLF (§3.1) with PRODID and VERSION (§3.6).
/// </summary>
public sealed class CalendarFeedValidityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_London_feed_says_when_British_Summer_Time_starts_and_ends_and_places_every_session_by_it()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var walls = new[] { new DateTime(2027, 1, 12, 10, 0, 0), new DateTime(2027, 7, 13, 10, 0, 0), new DateTime(2027, 11, 2, 18, 30, 0) };
        var ids = new List<Guid>();
        foreach (var wall in walls)
        {
            ids.Add(await SessionSteps.ScheduleAsync(alex, jordans, new DateTimeOffset(wall, london.GetUtcOffset(wall))));
        }

        using var response = await alex.GetAsync($"/api/engagements/{jordans}/calendar.ics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ics = await response.Content.ReadAsStringAsync(Ct);

        var zone = Assert.Single(IcsCheck.Zones(ics));
        Assert.Equal("Europe/London", zone.TzId);
        var standard = Assert.Single(zone.Observances, o => o.Kind == "STANDARD");
        var daylight = Assert.Single(zone.Observances, o => o.Kind == "DAYLIGHT");
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.Zero), (standard.OffsetFrom, standard.OffsetTo));
        Assert.Equal((TimeSpan.Zero, TimeSpan.FromHours(1)), (daylight.OffsetFrom, daylight.OffsetTo));
        Assert.All(zone.Observances, o => Assert.True(o.RRule is not null || o.RDates.Count > 0, $"{o.Kind} says when it starts again"));

        AssertEveryTimeIsTheSessionsInstant(ics, london);
        var calendar = Calendar.Load(ics)!;
        for (var i = 0; i < walls.Length; i++)
        {
            var e = Assert.Single(calendar.Events, ev => ev.Uid == $"{ids[i]:N}@tandem");
            Assert.Equal("Europe/London", e.DtStart!.TzId);
            Assert.Equal(walls[i], e.DtStart.Value);
            Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(walls[i], london), e.DtStart.AsUtc);
        }
    }

    [Theory]
    [InlineData("Asia/Kolkata", 5.5)]
    [InlineData("America/Phoenix", -7)]
    public async Task A_feed_in_a_zone_without_daylight_saving_says_its_one_offset(string zoneId, double hours)
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        foreach (var wall in new[] { new DateTime(2027, 1, 12, 10, 0, 0), new DateTime(2027, 7, 13, 10, 0, 0) })
        {
            await SessionSteps.ScheduleAsync(alex, jordans, new DateTimeOffset(wall, london.GetUtcOffset(wall)));
        }

        using var jordan = app.CreateAnonymousClient();
        await PageForms.SignInAsync(jordan, "jordan@riverside.test");
        using var saved = await PageForms.SubmitAsync(jordan, "/Account/Manage", "profile", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Jordan",
            ["Input.TimeZone"] = zoneId,
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var ics = await jordan.GetStringAsync($"/api/engagements/{jordans}/calendar.ics", Ct);

        var zone = Assert.Single(IcsCheck.Zones(ics));
        Assert.Equal(zoneId, zone.TzId);
        var standard = Assert.Single(zone.Observances);
        Assert.Equal("STANDARD", standard.Kind);
        Assert.Equal(TimeSpan.FromHours(hours), standard.OffsetTo);
        Assert.Equal(TimeSpan.FromHours(hours), standard.OffsetFrom);
        AssertEveryTimeIsTheSessionsInstant(ics, TimeZoneInfo.FindSystemTimeZoneById(zoneId));
    }

    [Fact]
    public async Task Every_feed_is_folded_at_75_octets_with_CRLF_and_says_who_made_it_and_that_it_publishes()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        // A long place in letters of two, three and four octets: a fold must fall between characters.
        var place = "Salle Émile-Zola, 2ᵉ étage — 会议室 🌿 " + string.Concat(Enumerable.Repeat("Ünïcødé 😀 ", 12));
        await SessionSteps.ScheduleAsync(alex, jordans, new DateTimeOffset(2027, 2, 2, 10, 0, 0, TimeSpan.Zero), 50, place);

        var downloaded = await alex.GetStringAsync($"/api/engagements/{jordans}/calendar.ics", Ct);
        var link = await alex.PostJsonAsync("/api/me/calendar-feed", null, HttpStatusCode.Created);
        using var anonymous = app.CreateAnonymousClient();
        var subscribed = await anonymous.GetStringAsync(new Uri(link.Str("url")).PathAndQuery, Ct);

        foreach (var ics in new[] { downloaded, subscribed })
        {
            IcsCheck.AssertWellFormedLines(ics);
            var lines = IcsCheck.Lines(ics);
            Assert.Equal("BEGIN:VCALENDAR", lines[0]);
            Assert.Equal("END:VCALENDAR", lines[^1]);
            Assert.Equal("PRODID:-//Tandem//Sessions//EN", Assert.Single(lines, l => l.StartsWith("PRODID:", StringComparison.Ordinal)));
            Assert.Equal("VERSION:2.0", Assert.Single(lines, l => l.StartsWith("VERSION:", StringComparison.Ordinal)));
            Assert.Equal("METHOD:PUBLISH", Assert.Single(lines, l => l.StartsWith("METHOD:", StringComparison.Ordinal)));
            Assert.Equal("CALSCALE:GREGORIAN", Assert.Single(lines, l => l.StartsWith("CALSCALE:", StringComparison.Ordinal)));
            Assert.All(IcsCheck.Zones(ics), z => Assert.NotEmpty(z.Observances));
            var e = Assert.Single(Calendar.Load(ics)!.Events, ev => ev.Location?.StartsWith("Salle", StringComparison.Ordinal) == true);
            Assert.Equal(place.Trim(), e.Location);
        }
    }

    [Fact]
    public void Every_zone_a_person_can_choose_gets_a_VTIMEZONE_that_places_sessions_on_both_sides_of_its_clock_changes()
    {
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var failures = new List<string>();
        foreach (var zoneId in TimeZones.All.Where(z => z != "UTC"))
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            // A session at 10:00 and 23:30 on the 1st and 15th of each month for a year and a half, from three months back.
            var sessions = Enumerable.Range(-3, 18)
                .SelectMany(m => DaysOfMonth.Select(d => new DateTime(2026, 12, d).AddMonths(m)))
                .SelectMany(d => new[] { d.AddHours(10), d.AddHours(23.5) })
                .Where(wall => !zone.IsInvalidTime(wall))
                .Select(wall => Tandem.Features.Sessions.Session.Schedule(Engagement, Guid.Empty, new DateTimeOffset(wall, zone.GetUtcOffset(wall)), 50, "Room 1", now))
                .ToList();
            var ics = Tandem.Features.Sessions.CalendarFeeds.Serialize(sessions, zoneId, now);
            try
            {
                AssertEveryTimeIsTheSessionsInstant(ics, zone);
                if (zoneId is "Europe/London" or "Europe/Dublin" or "America/New_York" or "Australia/Sydney")
                {
                    // The shape Outlook reads: one STANDARD and one DAYLIGHT, each a yearly rule.
                    var observances = Assert.Single(IcsCheck.Zones(ics)).Observances;
                    Assert.Equal(["DAYLIGHT", "STANDARD"], observances.Select(o => o.Kind).Order());
                    Assert.All(observances, o => Assert.StartsWith("FREQ=YEARLY", o.RRule, StringComparison.Ordinal));
                }
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException)
            {
                failures.Add($"{zoneId}: {ex.Message.Split('\n')[0]}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {TimeZones.All.Count} zones misplace sessions:\n{string.Join('\n', failures.Take(40))}");
    }

    private static readonly int[] DaysOfMonth = [1, 15];

    private static readonly Tandem.Features.Engagements.Engagement Engagement =
        Tandem.Features.Engagements.Engagement.Start(Guid.NewGuid(), "Calendar", Tandem.Features.Engagements.EngagementFormat.TherapistLed, Guid.NewGuid(), DateTimeOffset.UnixEpoch);

    /// <summary>Every DTSTART/DTEND with a TZID, read through the feed's own VTIMEZONE, is the instant of that wall clock in the zone.</summary>
    private static void AssertEveryTimeIsTheSessionsInstant(string ics, TimeZoneInfo expected)
    {
        var zones = IcsCheck.Zones(ics).ToDictionary(z => z.TzId);
        var times = IcsCheck.Times(ics).Where(t => t.TzId is not null).ToList();
        foreach (var (name, tzid, value) in times)
        {
            Assert.True(zones.TryGetValue(tzid!, out var zone), $"{name};TZID={tzid} has no VTIMEZONE");
            var local = IcsCheck.Local(value);
            Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(local, expected), zone.ToUtc(local));
        }
    }
}
