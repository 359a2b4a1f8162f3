using System.Net;
using Ical.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

public sealed class CalendarFeedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_feed_parses_and_keeps_times_right_across_daylight_saving_for_a_viewer_in_another_zone()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        // Alex (Europe/London) meets Jordan (America/New_York) at 10:00 London time. The US moves its
        // clocks on 14 March 2027 and the UK on 28 March 2027, so for three weeks the gap is 4 hours, not 5.
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var cases = new (DateTime LondonWall, DateTime UtcExpected, DateTime NewYorkExpected)[]
        {
            (new(2027, 3, 7, 10, 0, 0), new(2027, 3, 7, 10, 0, 0), new(2027, 3, 7, 5, 0, 0)),
            (new(2027, 3, 21, 10, 0, 0), new(2027, 3, 21, 10, 0, 0), new(2027, 3, 21, 6, 0, 0)),
            (new(2027, 4, 4, 10, 0, 0), new(2027, 4, 4, 9, 0, 0), new(2027, 4, 4, 5, 0, 0)),
        };
        var ids = new List<Guid>();
        foreach (var (wall, _, _) in cases)
        {
            ids.Add(await SessionSteps.ScheduleAsync(alex, jordans, new DateTimeOffset(wall, london.GetUtcOffset(wall)), 50, "https://video.example.test/alex"));
        }

        using var response = await jordan.GetAsync($"/api/engagements/{jordans}/calendar.ics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var ics = await response.Content.ReadAsStringAsync(Ct);
        var calendar = Calendar.Load(ics)!;

        for (var i = 0; i < cases.Length; i++)
        {
            var e = Assert.Single(calendar.Events, ev => ev.Uid == $"{ids[i]:N}@tandem");
            Assert.Equal("America/New_York", e.DtStart!.TzId);
            Assert.Equal(cases[i].NewYorkExpected, e.DtStart.Value);
            Assert.Equal(cases[i].UtcExpected, e.DtStart.AsUtc);
            Assert.Equal(TimeSpan.FromMinutes(50), e.DtEnd!.AsUtc - e.DtStart.AsUtc);
        }

        // Alex's own feed shows the same instants on London clocks.
        var alexCalendar = Calendar.Load(await alex.GetStringAsync($"/api/engagements/{jordans}/calendar.ics", Ct))!;
        var april = Assert.Single(alexCalendar.Events, ev => ev.Uid == $"{ids[2]:N}@tandem");
        Assert.Equal("Europe/London", april.DtStart!.TzId);
        Assert.Equal(new DateTime(2027, 4, 4, 10, 0, 0), april.DtStart.Value);
        Assert.Equal(new DateTime(2027, 4, 4, 9, 0, 0), april.DtStart.AsUtc);
    }

    [Fact]
    public async Task The_feed_has_no_clinical_content_only_time_and_place()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var ics = await sam.GetStringAsync($"/api/engagements/{sams}/calendar.ics", Ct);
        var calendar = Calendar.Load(ics)!;

        Assert.NotEmpty(calendar.Events);
        Assert.All(calendar.Events, e =>
        {
            Assert.Equal("Session (Tandem)", e.Summary);
            Assert.True(string.IsNullOrEmpty(e.Description));
            Assert.Empty(e.Attendees);
        });
        foreach (var clinical in new[] { "footing", "Sam", "Okafor", "Alex", "Rivera", "brother", "manager", "flat days" })
        {
            Assert.DoesNotContain(clinical, ics, StringComparison.OrdinalIgnoreCase);
        }

        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await jordan.StatusOfGetAsync($"/api/engagements/{sams}/calendar.ics"));
    }

    [Fact]
    public async Task A_subscription_link_works_without_sign_in_until_it_is_replaced_or_turned_off()
    {
        await using var app = await TandemApp.StartAsync();
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var anonymous = app.CreateAnonymousClient();

        var link = await sam.PostJsonAsync("/api/me/calendar-feed", null, HttpStatusCode.Created);
        var url = new Uri(link.Str("url"));
        Assert.True(url.AbsolutePath.Length > "/api/calendar/".Length + 40, "the token is long and random");
        var calendar = Calendar.Load(await anonymous.GetStringAsync(url.PathAndQuery, Ct))!;
        Assert.NotEmpty(calendar.Events);
        Assert.All(calendar.Events, e => Assert.Equal("Europe/London", e.DtStart!.TzId));

        var replacement = await sam.PostJsonAsync("/api/me/calendar-feed", null, HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NotFound, await anonymous.StatusOfGetAsync(url.PathAndQuery));
        var newUrl = new Uri(replacement.Str("url"));
        Assert.Equal(HttpStatusCode.OK, await anonymous.StatusOfGetAsync(newUrl.PathAndQuery));

        using (var off = await SessionSteps.SendAsync(sam, HttpMethod.Delete, "/api/me/calendar-feed"))
        {
            Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, await anonymous.StatusOfGetAsync(newUrl.PathAndQuery));
        Assert.Equal(HttpStatusCode.NotFound, await anonymous.StatusOfGetAsync("/api/calendar/not-a-real-token.ics"));
    }
}
