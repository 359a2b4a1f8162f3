using System.Globalization;
using System.Net;
using Tandem.IntegrationTests.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Video;

/// <summary>
/// Issue 23, on the pages (server-rendered forms, no script needed): the scheduling and change pages offer
/// "In person" or "Online (video here in Tandem)", the place is needed only in person, an https link to another service
/// still works, and session lists say how each session is held in plain words.
/// </summary>
public sealed class OnlineSchedulingPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_schedule_form_plans_an_online_session_without_a_place_and_lists_say_so()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");
        var form = await (await browser.GetAsync("/sessions", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("name=\"Plan.Mode\"", form, StringComparison.Ordinal);
        Assert.Contains("Online (video here in Tandem)", form, StringComparison.Ordinal);
        Assert.Contains("In person", form, StringComparison.Ordinal);

        var day = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(9);
        using var response = await PageForms.SubmitAsync(browser, "/sessions", "schedule", Fields(sams, day, "Online", ""));
        Assert.True((int)response.StatusCode < 400, $"{(int)response.StatusCode}");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var planned = (await alex.GetJsonAsync($"/api/engagements/{sams}/sessions")).EnumerateArray()
            .Where(s => DateOnly.FromDateTime(s.GetProperty("startsAt").GetDateTimeOffset().UtcDateTime) == day).ToList();
        Assert.Contains(planned, s => s.Str("locationKind") == "Video" && s.Str("mode") == "Online");

        // In person needs a place; a link to another service still works, chosen as online.
        using var noPlace = await PageForms.SubmitAsync(browser, "/sessions", "schedule", Fields(sams, day.AddDays(1), "InPerson", ""));
        Assert.Contains("Give a room", await noPlace.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var link = await PageForms.SubmitAsync(browser, "/sessions", "schedule", Fields(sams, day.AddDays(2), "Online", "https://video.example.test/alex"));
        Assert.True((int)link.StatusCode < 400, $"{(int)link.StatusCode}");
        var linked = (await alex.GetJsonAsync($"/api/engagements/{sams}/sessions")).EnumerateArray()
            .Where(s => DateOnly.FromDateTime(s.GetProperty("startsAt").GetDateTimeOffset().UtcDateTime) == day.AddDays(2)).ToList();
        Assert.Contains(linked, s => s.Str("locationKind") == "Online" && s.Str("location") == "https://video.example.test/alex");

        // The lists say it in plain words, for the therapist and the client.
        var list = await (await browser.GetAsync("/sessions", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("Online (video in Tandem)", list, StringComparison.Ordinal);
        Assert.Contains("Join from 15 minutes before", list, StringComparison.Ordinal);
        using var sam = app.CreateAnonymousClient();
        await PageForms.SignInAsync(sam, "sam@riverside.test");
        var samsList = await (await sam.GetAsync("/sessions", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("Online (video in Tandem)", samsList, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_change_page_turns_a_session_online_and_back_in_person()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var start = app.Clock.GetUtcNow().AddDays(5);
        var id = await SessionSteps.ScheduleAsync(alex, sams, start, 50, "Room 2");
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");
        var page = await (await browser.GetAsync($"/sessions/{id}/move", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("Change time or place", page, StringComparison.Ordinal);
        Assert.Contains("name=\"Move.Mode\"", page, StringComparison.Ordinal);

        var zone = Tandem.Features.Practices.TimeZones.Find("Europe/London");
        var local = TimeZoneInfo.ConvertTime(start, zone);
        var fields = new Dictionary<string, string>
        {
            ["Move.Date"] = DateOnly.FromDateTime(local.DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Move.Time"] = local.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["Move.DurationMinutes"] = "50",
            ["Move.Mode"] = "Online",
            ["Move.Location"] = "Room 2",
        };
        using (var online = await PageForms.SubmitAsync(browser, $"/sessions/{id}/move", "move", fields))
        {
            Assert.True((int)online.StatusCode < 400, $"{(int)online.StatusCode}");
        }

        var view = await alex.GetJsonAsync($"/api/sessions/{id}");
        Assert.Equal("Video", view.Str("locationKind"));

        // Back in person: the form shows no leftover place, and a room is asked for.
        page = await (await browser.GetAsync($"/sessions/{id}/move", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("value=\"Online, in Tandem\"", page, StringComparison.Ordinal);
        fields["Move.Mode"] = "InPerson";
        fields["Move.Location"] = "Room 7";
        using (var inPerson = await PageForms.SubmitAsync(browser, $"/sessions/{id}/move", "move", fields))
        {
            Assert.True((int)inPerson.StatusCode < 400, $"{(int)inPerson.StatusCode}");
        }

        view = await alex.GetJsonAsync($"/api/sessions/{id}");
        Assert.Equal("Room", view.Str("locationKind"));
        Assert.Equal("Room 7", view.Str("location"));
    }

    private static Dictionary<string, string> Fields(Guid engagement, DateOnly day, string mode, string location) => new()
    {
        ["Plan.EngagementId"] = engagement.ToString(),
        ["Plan.Date"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Plan.Time"] = "11:00",
        ["Plan.DurationMinutes"] = "50",
        ["Plan.Mode"] = mode,
        ["Plan.Location"] = location,
        ["Plan.Repeat"] = "Once",
        ["Plan.Ends"] = "Count",
        ["Plan.Count"] = "3",
    };
}
