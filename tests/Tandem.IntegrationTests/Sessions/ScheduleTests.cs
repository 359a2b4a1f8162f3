using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

public sealed class ScheduleTests
{
    [Fact]
    public async Task A_therapist_schedules_a_session_stored_in_utc_and_every_participant_sees_it()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var start = new DateTimeOffset(app.Clock.GetUtcNow().Date.AddDays(10).AddHours(10), TimeSpan.FromHours(2));

        var id = await SessionSteps.ScheduleAsync(alex, sams, start, 50, "https://video.example.test/alex");

        var view = await sam.GetJsonAsync($"/api/sessions/{id}");
        Assert.Equal(start.ToUniversalTime(), view.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(TimeSpan.Zero, view.GetProperty("startsAt").GetDateTimeOffset().Offset);
        Assert.Equal("Online", view.Str("locationKind"));
        Assert.Equal("Scheduled", view.Str("status"));
        Assert.Equal("Empty", view.Str("noteStatus"));
        var list = await sam.GetJsonAsync($"/api/engagements/{sams}/sessions");
        Assert.Contains(list.EnumerateArray(), s => s.Id() == id);
        var note = await sam.GetJsonAsync($"/api/sessions/{id}/note");
        Assert.Equal("", note.Str("body"));
        Assert.Equal("Draft", note.Str("status"));
    }

    [Fact]
    public async Task Clients_cannot_schedule_and_outsiders_get_404_for_a_session()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, sams, app.Clock.GetUtcNow().AddDays(3));

        using var sam = await app.ClientForAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfPostAsync($"/api/engagements/{sams}/sessions", new { startsAt = app.Clock.GetUtcNow().AddDays(4), durationMinutes = 50, location = "Room" }));

        foreach (var email in new[] { "jordan@riverside.test", "morgan@riverside.test", "admin@riverside.test", "kim@harbor.test", "lee@harbor.test" })
        {
            using var outsider = await app.ClientForAsync(email);
            foreach (var path in new[] { "", "/note", "/note/history", "/private-note" })
            {
                var status = await outsider.StatusOfGetAsync($"/api/sessions/{id}{path}");
                Assert.True(status == HttpStatusCode.NotFound, $"{email} GET {path}: {status}");
            }

            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfPostAsync($"/api/sessions/{id}/agenda", new { text = "hello" }));
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfPostAsync($"/api/sessions/{id}/note/annotations", new { text = "hello" }));
        }
    }

    [Fact]
    public async Task Status_moves_only_forward_and_only_when_it_can_be_true()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, sams, app.Clock.GetUtcNow().AddMinutes(10));

        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/sessions/{id}/status", new { status = "Completed" }));
        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/sessions/{id}/status", new { status = "Missed" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await alex.StatusOfPostAsync($"/api/sessions/{id}/status", new { status = "Scheduled" }));

        app.Clock.Advance(TimeSpan.FromMinutes(15));
        await alex.PostJsonAsync($"/api/sessions/{id}/status", new { status = "Completed" }, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/sessions/{id}/status", new { status = "Cancelled" }));
        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/sessions/{id}/agenda", new { text = "Too late" }));

        using var sam = await app.ClientForAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfPostAsync($"/api/sessions/{id}/status", new { status = "Cancelled" }));
    }

    [Fact]
    public async Task Bad_schedules_are_refused_with_the_field_named()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var now = app.Clock.GetUtcNow();

        var badLink = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = now.AddDays(1), durationMinutes = 50, location = "http://insecure.example.test" }, HttpStatusCode.UnprocessableEntity);
        Assert.True(badLink.GetProperty("errors").TryGetProperty("location", out _));
        await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = now.AddDays(1), durationMinutes = 500, location = "Room" }, HttpStatusCode.BadRequest);
        await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = now.AddYears(5), durationMinutes = 50, location = "Room" }, HttpStatusCode.UnprocessableEntity);
        await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { durationMinutes = 50, location = "Room" }, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_demo_has_months_of_history_and_upcoming_sessions_for_every_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        var now = app.Clock.GetUtcNow();
        foreach (var email in new[] { "sam@riverside.test", "jordan@riverside.test", "casey@riverside.test", "riley@riverside.test", "kim@harbor.test" })
        {
            using var client = await app.ClientForAsync(email);
            var sessions = (await client.GetJsonAsync("/api/sessions")).EnumerateArray().ToList();
            var past = sessions.Where(s => s.GetProperty("startsAt").GetDateTimeOffset() < now).ToList();
            Assert.True(past.Count >= 8, $"{email}: {past.Count} past sessions");
            Assert.True(past.First().GetProperty("startsAt").GetDateTimeOffset() < now.AddDays(-60), $"{email}: history is short");
            Assert.Contains(past, s => s.Str("noteStatus") == "Signed");
            Assert.Contains(sessions, s => s.GetProperty("startsAt").GetDateTimeOffset() > now && s.Str("status") == "Scheduled");
        }
    }
}
