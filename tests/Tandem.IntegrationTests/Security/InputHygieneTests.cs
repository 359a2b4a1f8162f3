using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// Issue 19, finding 14: control characters are refused in one-line text (a location, a title, an
/// agenda item, a name) with a 422 sentence, line breaks are fine only where text is expected to
/// run over lines (a message, a note), a NUL is refused everywhere and never reaches a calendar
/// file, and bidirectional overrides are neutralised before anyone reads the text.
/// </summary>
public sealed class InputHygieneTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_line_text_with_control_characters_is_refused_with_a_sentence_and_nothing_is_stored()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var session = (await alex.GetJsonAsync($"/api/engagements/{sams}/sessions")).EnumerateArray().Last(s => s.Str("status") == "Scheduled").Id();
        var when = app.Clock.GetUtcNow().AddDays(9);
        var problems = new List<string>();
        var before = await DatabaseSnapshot.TakeAsync(app);
        foreach (var bad in new[] { "Room 9\u0000", "Room\r\n9", "Room\t9", "Room\u001b[31m9", "Room\u00859" })
        {
            async Task ExpectAsync(string what, HttpResponseMessage response, string field)
            {
                var text = await response.Content.ReadAsStringAsync(Ct);
                // A NUL is refused as the body is read (400: PostgreSQL cannot hold one, so no lookup may see it); the rest by the entity (422).
                var expected = bad.Contains('\0', StringComparison.Ordinal) ? HttpStatusCode.BadRequest : HttpStatusCode.UnprocessableEntity;
                if (response.StatusCode != expected || !text.Contains(field, StringComparison.Ordinal) || !text.Contains("one line", StringComparison.Ordinal))
                {
                    problems.Add($"{what} with {System.Text.Json.JsonSerializer.Serialize(bad)} -> {(int)response.StatusCode}: {text}");
                }
            }

            using var schedule = await alex.PostAsJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = when, durationMinutes = 50, location = bad }, Ct);
            await ExpectAsync("a session's location", schedule, "location");
            using var start = await alex.PostAsJsonAsync("/api/engagements", new { title = "Hygiene " + bad, format = "ClientLed" }, Ct);
            await ExpectAsync("an engagement's title", start, "title");
            using var agenda = await alex.PostAsJsonAsync($"/api/sessions/{session}/agenda", new { text = "Agenda " + bad, kind = "Topic" }, Ct);
            await ExpectAsync("an agenda item", agenda, "text");
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(await DatabaseSnapshot.ChangesSinceAsync(app, before));
    }

    [Fact]
    public async Task Multi_line_text_keeps_its_line_breaks_refuses_NUL_and_loses_its_bidi_overrides()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "First line\nsecond line\ttabbed" }, HttpStatusCode.Created);
        using (var nul = await sam.PostAsJsonAsync($"/api/engagements/{sams}/messages", new { body = "Hello\u0000there" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
            Assert.Contains("body: cannot contain control characters", await nul.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var escape = await sam.PostAsJsonAsync($"/api/engagements/{sams}/messages", new { body = "Hello\u001bthere" }, Ct))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, escape.StatusCode);
            Assert.Contains("control characters", await escape.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // "txt.exe" written, "exe.txt" shown: the override is gone from what is stored and from every page that shows it.
        await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "invoice\u202Etxt.exe\u2066 isolated\u2069" }, HttpStatusCode.Created);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = app.Clock.GetUtcNow().AddDays(9), durationMinutes = 50, location = "Room \u202E9 ecnerefnoC" }, HttpStatusCode.Created);
        var messages = (await alex.GetJsonAsync($"/api/engagements/{sams}/messages")).GetRawText();
        var sessions = (await alex.GetJsonAsync($"/api/engagements/{sams}/sessions")).GetRawText();
        Assert.Contains("invoicetxt.exe isolated", Strings(System.Text.Json.JsonDocument.Parse(messages).RootElement));
        Assert.Contains("Room 9 ecnerefnoC", Strings(System.Text.Json.JsonDocument.Parse(sessions).RootElement));
        using var browser = await CrossSiteTests.CookieClientAsync(app, "alex@riverside.test");
        var page = await browser.GetStringAsync($"/engagements/{sams}/messages", Ct);
        var schedule = await browser.GetStringAsync("/sessions", Ct);
        foreach (var (what, text) in new[] { ("messages API", messages), ("sessions API", sessions), ("conversation page", page), ("schedule page", schedule) })
        {
            Assert.False(text.Any(c => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') || text.Contains("\\u202E", StringComparison.OrdinalIgnoreCase) || text.Contains("\\u2066", StringComparison.OrdinalIgnoreCase),
                $"a bidi override reached the {what}");
        }
    }

    /// <summary>Every string value in a JSON answer, decoded.</summary>
    private static List<string> Strings(System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => [element.GetString()!],
        System.Text.Json.JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings).ToList(),
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)).ToList(),
        _ => [],
    };

    [Fact]
    public async Task A_NUL_stored_before_never_reaches_a_calendar_file()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        await app.WithDbAsync(async db =>
        {
            // A row written before the rule existed (PostgreSQL cannot store a NUL in text at all: before the rule, a NUL in a
            // location was a 500 there; another control character stands in for it).
            var session = await db.Set<Session>().FirstAsync(s => s.EngagementId == sams, Ct);
            var location = TestEnvironment.Provider == TestProvider.Sqlite ? "Room\u0000\u0001 9\r\nX-INJECTED:1" : "Room\u0001 9\r\nX-INJECTED:1";
            await db.Database.ExecuteSqlAsync($"UPDATE \"Sessions\" SET \"Location\" = {location} WHERE \"Id\" = {session.Id}", Ct);
        });
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var response = await sam.GetAsync($"/api/engagements/{sams}/calendar.ics", Ct);
        var ics = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain('\0', ics);
        Assert.DoesNotContain('\u0001', ics);
        Assert.DoesNotContain("\nX-INJECTED", ics, StringComparison.Ordinal);
    }
}
