using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Practices;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

/// <summary>Issue 21 "scheduling basics": series, moving a session, how it ended, and when its note can be signed.</summary>
public sealed class SchedulingBasicsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A day far enough ahead to be clear of the demo's upcoming sessions, at a wall-clock time in London (Alex's zone).</summary>
    private static DateTimeOffset LondonAt(TandemApp app, int daysAhead, int hour)
    {
        var day = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(daysAhead);
        var zone = TimeZones.Find("Europe/London");
        var wall = day.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
    }

    private static async Task<List<JsonElement>> SessionsAsync(HttpClient client, Guid engagementId, DateTimeOffset from) =>
        (await client.GetJsonAsync($"/api/engagements/{engagementId}/sessions?from={Uri.EscapeDataString(from.ToString("O"))}")).EnumerateArray().ToList();

    [Fact]
    public async Task A_weekly_series_creates_one_session_per_week_at_the_same_local_time_tied_by_a_series_id()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var first = LondonAt(app, 40, 7);

        // 20 weeks cross a clock change in London whatever the date: the wall-clock time must stay 07:00.
        var created = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions",
            new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Weekly", count = 20 }, HttpStatusCode.Created);

        var seriesId = created.GetProperty("seriesId").GetGuid();
        var series = (await SessionsAsync(sam, sams, first.AddMinutes(-1))).Where(s => s.GetProperty("seriesId").ValueKind == JsonValueKind.String && s.GetProperty("seriesId").GetGuid() == seriesId).ToList();
        Assert.Equal(20, series.Count);
        var zone = TimeZones.Find("Europe/London");
        var locals = series.Select(s => TimeZoneInfo.ConvertTime(s.GetProperty("startsAt").GetDateTimeOffset(), zone)).ToList();
        Assert.All(locals, l => Assert.Equal(new TimeSpan(7, 0, 0), l.TimeOfDay));
        Assert.All(locals.Zip(locals.Skip(1)), pair => Assert.Equal(7, (pair.Second.Date - pair.First.Date).Days));

        // Fortnightly until a last date (inclusive), in the therapist's zone.
        var start = LondonAt(app, 400, 8);
        var until = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime).AddDays(42);
        var fortnightly = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions",
            new { startsAt = start, durationMinutes = 50, location = "Room 4", repeat = "Fortnightly", until = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, HttpStatusCode.Created);
        var second = fortnightly.GetProperty("seriesId").GetGuid();
        Assert.Equal(4, (await SessionsAsync(alex, sams, start.AddMinutes(-1))).Count(s => s.GetProperty("seriesId").ValueKind == JsonValueKind.String && s.GetProperty("seriesId").GetGuid() == second));

        // Existing clients send no repeat fields: one session, no series.
        var single = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = LondonAt(app, 300, 7), durationMinutes = 50, location = "Room 4" }, HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, single.GetProperty("seriesId").ValueKind);
    }

    [Fact]
    public async Task A_series_too_long_unended_or_clashing_is_refused_in_a_sentence_and_nothing_is_written()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var first = LondonAt(app, 40, 8);
        // Alex already sees Jordan at 08:20 on the third week, London time (a clock change may fall in between).
        await SessionSteps.ScheduleAsync(alex, jordans, LondonAt(app, 54, 8).AddMinutes(20), 50, "Room 1");
        var before = (await SessionsAsync(alex, sams, first.AddMinutes(-1))).Count;

        var cases = new (object Body, HttpStatusCode Status, string Words)[]
        {
            (new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Weekly", count = 53 }, HttpStatusCode.UnprocessableEntity, "52"),
            (new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Weekly" }, HttpStatusCode.UnprocessableEntity, "ends"),
            (new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Weekly", count = 3, until = "2030-01-01" }, HttpStatusCode.UnprocessableEntity, "not both"),
            (new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Fortnightly", until = DateOnly.FromDateTime(first.UtcDateTime).AddYears(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, HttpStatusCode.UnprocessableEntity, "52"),
            (new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Weekly", until = DateOnly.FromDateTime(first.UtcDateTime).AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, HttpStatusCode.UnprocessableEntity, "last date"),
            (new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Weekly", count = 4 }, HttpStatusCode.Conflict, "already have a session"),
            (new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Daily", count = 4 }, HttpStatusCode.BadRequest, ""),
        };
        foreach (var (body, status, words) in cases)
        {
            using var response = await SessionSteps.SendAsync(alex, HttpMethod.Post, $"/api/engagements/{sams}/sessions", body);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == status, $"{JsonSerializer.Serialize(body)}: {(int)response.StatusCode} {text}");
            Assert.Contains(words, text, StringComparison.Ordinal);
        }

        Assert.Equal(before, (await SessionsAsync(alex, sams, first.AddMinutes(-1))).Count);
    }

    [Fact]
    public async Task Cancelling_the_rest_of_a_series_cancels_only_this_and_later_sessions_still_planned()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var first = LondonAt(app, 40, 7);
        var created = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions",
            new { startsAt = first, durationMinutes = 50, location = "Room 4", repeat = "Weekly", count = 5 }, HttpStatusCode.Created);
        var seriesId = created.GetProperty("seriesId").GetGuid();
        var series = (await SessionsAsync(alex, sams, first.AddMinutes(-1))).Where(s => s.GetProperty("seriesId").ValueKind == JsonValueKind.String && s.GetProperty("seriesId").GetGuid() == seriesId).ToList();
        await alex.PostJsonAsync($"/api/sessions/{series[3].Id()}/status", new { status = "Cancelled" }, HttpStatusCode.OK);

        var answer = await alex.PostJsonAsync($"/api/sessions/{series[2].Id()}/series/cancel", null, HttpStatusCode.OK);

        Assert.Equal(2, answer.GetProperty("cancelled").GetInt32());
        var after = (await SessionsAsync(alex, sams, first.AddMinutes(-1))).Where(s => series.Any(x => x.Id() == s.Id())).Select(s => s.Str("status")).ToList();
        Assert.Equal(["Scheduled", "Scheduled", "Cancelled", "Cancelled", "Cancelled"], after);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfPostAsync($"/api/sessions/{series[0].Id()}/series/cancel"));
    }

    [Fact]
    public async Task Moving_a_session_keeps_its_agenda_shows_where_it_moved_from_and_is_audited()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var start = LondonAt(app, 40, 10);
        var id = await SessionSteps.ScheduleAsync(alex, sams, start);
        await sam.PostJsonAsync($"/api/sessions/{id}/agenda", new { text = "The new job" }, HttpStatusCode.Created);

        // Through the page, as a therapist does it: date, time, length and place.
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");
        var newDay = DateOnly.FromDateTime(start.UtcDateTime).AddDays(2);
        using var moved = await PageForms.SubmitAsync(browser, $"/sessions/{id}/move", "move", new Dictionary<string, string>
        {
            ["Move.Date"] = newDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Move.Time"] = "14:30",
            ["Move.DurationMinutes"] = "60",
            ["Move.Location"] = "Room 5",
        });
        Assert.True(moved.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{(int)moved.StatusCode}");

        var view = await sam.GetJsonAsync($"/api/sessions/{id}");
        var zone = TimeZones.Find("Europe/London");
        Assert.Equal(newDay.ToDateTime(new TimeOnly(14, 30)), TimeZoneInfo.ConvertTime(view.GetProperty("startsAt").GetDateTimeOffset(), zone).DateTime);
        Assert.Equal(60, view.GetProperty("durationMinutes").GetInt32());
        Assert.Equal("Room 5", view.Str("location"));
        Assert.Equal(start, view.GetProperty("movedFrom").GetDateTimeOffset());
        Assert.Equal("The new job", Assert.Single(view.GetProperty("agenda").EnumerateArray()).Str("text"));
        var samsList = await (await sam.GetAsync("/sessions", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("Moved from", samsList, StringComparison.Ordinal);

        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "Session" && e.ObjectId == id.ToString() && e.Purpose == "reschedule", Ct)));
    }

    [Fact]
    public async Task A_session_ends_held_cancelled_cancelled_late_or_did_not_attend_in_calm_words()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var now = app.Clock.GetUtcNow();
        var late = await SessionSteps.ScheduleAsync(alex, sams, now.AddHours(3));
        var missed = await SessionSteps.ScheduleAsync(alex, sams, now.AddHours(-5));

        var lateView = await alex.PostJsonAsync($"/api/sessions/{late}/status", new { status = "Cancelled", late = true }, HttpStatusCode.OK);
        Assert.Equal("Cancelled", lateView.Str("status"));
        Assert.True(lateView.GetProperty("cancelledLate").GetBoolean());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await alex.StatusOfPostAsync($"/api/sessions/{missed}/status", new { status = "Completed", late = true }));
        await alex.PostJsonAsync($"/api/sessions/{missed}/status", new { status = "Missed" }, HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromHours(4));
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");
        var html = await (await browser.GetAsync("/sessions", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("Cancelled late", html, StringComparison.Ordinal);
        Assert.Contains("Did not attend", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Missed<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_note_is_signed_only_once_its_session_has_started_and_the_page_says_when()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var start = LondonAt(app, 2, 10);
        var id = await SessionSteps.ScheduleAsync(alex, sams, start);
        var (_, etag) = await SessionSteps.GetNoteAsync(alex, id);
        using (var put = await SessionSteps.PutNoteAsync(alex, id, "Prepared ahead.", etag))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var early = await SessionSteps.SendAsync(alex, HttpMethod.Post, $"/api/sessions/{id}/note/sign"))
        {
            var text = await early.Content.ReadAsStringAsync(Ct);
            Assert.True(early.StatusCode == HttpStatusCode.Conflict, $"{(int)early.StatusCode} {text}");
            Assert.Contains("once the session has started", text, StringComparison.Ordinal);
        }

        var (note, _) = await SessionSteps.GetNoteAsync(alex, id);
        Assert.Equal("Draft", note.Str("status"));
        Assert.Equal(start, note.GetProperty("canSignFrom").GetDateTimeOffset());
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");
        var page = await (await browser.GetAsync($"/sessions/{id}/note", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("You can sign this note from", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Sign the saved note", page, StringComparison.Ordinal);

        app.Clock.Advance(start - app.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        using var alexLater = await app.ClientForAsync("alex@riverside.test");
        var signed = await alexLater.PostJsonAsync($"/api/sessions/{id}/note/sign", null, HttpStatusCode.OK);
        Assert.Equal("Signed", signed.Str("status"));
    }

    [Fact]
    public async Task The_week_view_lists_the_therapists_sessions_of_one_week_with_client_names_and_room_links()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var start = LondonAt(app, 40, 7);
        var id = await SessionSteps.ScheduleAsync(alex, sams, start);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, TimeZones.Find("Europe/London")).DateTime);
        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");
        using var response = await browser.GetAsync($"/sessions/week?week={day:yyyy-MM-dd}", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}");
        Assert.Contains($"href=\"sessions/{id}\"", html, StringComparison.Ordinal);
        Assert.Contains("Sam Okafor", html, StringComparison.Ordinal);
        Assert.Contains("07:00", html, StringComparison.Ordinal);
        Assert.Contains($"sessions/week?week={monday.AddDays(-7):yyyy-MM-dd}", html, StringComparison.Ordinal);
        Assert.Contains($"sessions/week?week={monday.AddDays(7):yyyy-MM-dd}", html, StringComparison.Ordinal);

        using var anonymous = app.CreateAnonymousClient();
        using var refused = await anonymous.GetAsync("/sessions/week", Ct);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task The_schedule_form_creates_a_weekly_series_with_a_number_of_sessions()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var day = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(40);
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");

        using var response = await PageForms.SubmitAsync(browser, "/sessions", "schedule", new Dictionary<string, string>
        {
            ["Plan.EngagementId"] = sams.ToString(),
            ["Plan.Date"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Plan.Time"] = "07:00",
            ["Plan.DurationMinutes"] = "50",
            ["Plan.Location"] = "Room 4",
            ["Plan.Repeat"] = "Weekly",
            ["Plan.Ends"] = "Count",
            ["Plan.Count"] = "3",
        });
        Assert.True((int)response.StatusCode < 400, $"{(int)response.StatusCode}");

        var list = await SessionsAsync(alex, sams, app.Clock.GetUtcNow().AddDays(39));
        var series = list.Where(s => s.Str("location") == "Room 4").ToList();
        Assert.Equal(3, series.Count);
        Assert.Single(series.Select(s => s.GetProperty("seriesId").ToString()).Distinct());
    }
    [Fact]
    public async Task The_schedule_list_marks_a_started_session_held_or_did_not_attend_in_one_click()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var started = await SessionSteps.ScheduleAsync(alex, sams, app.Clock.GetUtcNow().AddHours(-3));
        var later = await SessionSteps.ScheduleAsync(alex, sams, app.Clock.GetUtcNow().AddHours(5));
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");

        var html = await (await browser.GetAsync("/sessions", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains($"value=\"{started}:Missed\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"{later}:Missed\"", html, StringComparison.Ordinal);
        using var marked = await PageForms.SubmitAsync(browser, "/sessions", "mark", new Dictionary<string, string> { ["Mark.Choice"] = $"{started}:Missed" });
        Assert.Contains("Did not attend", await marked.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // Held and did-not-attend stay refused before the start, whatever a form sends.
        using var early = await PageForms.SubmitAsync(browser, "/sessions", "mark", new Dictionary<string, string> { ["Mark.Choice"] = $"{later}:Completed" });
        Assert.Contains("has not started yet", await early.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Equal("Missed", (await alex.GetJsonAsync($"/api/sessions/{started}")).Str("status"));
        Assert.Equal("Scheduled", (await alex.GetJsonAsync($"/api/sessions/{later}")).Str("status"));
    }
}
