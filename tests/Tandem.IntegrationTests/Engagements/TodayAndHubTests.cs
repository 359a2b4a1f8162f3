using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Measures;
using Tandem.IntegrationTests.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Engagements;

/// <summary>The therapist's Today and the engagement as a hub (issue 21), as the pages show them.</summary>
public sealed class TodayAndHubTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>A wall-clock time in London (Alex's zone) on a day counted from today.</summary>
    private static DateTimeOffset LondonAt(TandemApp app, int daysFromToday, int hour, int minute = 0)
    {
        var today = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), London).Date;
        var wall = today.AddDays(daysFromToday).AddHours(hour).AddMinutes(minute);
        return new DateTimeOffset(wall, London.GetUtcOffset(wall)).ToUniversalTime();
    }

    private static async Task<HttpClient> PagesAsync(TandemApp app, string email)
    {
        var pages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(pages, email))
        {
        }

        return pages;
    }

    private static async Task<Guid> StartEngagementAsync(HttpClient therapist, string title) =>
        (await therapist.PostJsonAsync("/api/engagements", new { title, format = "ClientLed" }, HttpStatusCode.Created)).Id();

    [Fact]
    public async Task Today_shows_todays_sessions_with_the_client_the_agenda_and_the_room_then_the_coming_days()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var today = await SessionSteps.ScheduleAsync(alex, jordans, LondonAt(app, 0, 0, 30), 50, "Room 4");
        await alex.PostJsonAsync($"/api/sessions/{today}/agenda", new { text = "Sleep since the move" }, HttpStatusCode.Created);
        var later = await SessionSteps.ScheduleAsync(alex, jordans, LondonAt(app, 2, 10), 50, "Room 4");

        using var pages = await PagesAsync(app, "alex@riverside.test");
        var home = await pages.GetStringAsync("/", Ct);

        Assert.Contains("<h1>Today</h1>", home, StringComparison.Ordinal);
        var todaySection = Section(home, "today-heading");
        Assert.Contains($"href=\"sessions/{today}\"", todaySection, StringComparison.Ordinal);
        Assert.Contains("Jordan Ellis", todaySection, StringComparison.Ordinal);
        Assert.Contains("Sleep since the move", todaySection, StringComparison.Ordinal);
        Assert.Contains($"Open the room with Jordan Ellis", todaySection, StringComparison.Ordinal);
        Assert.DoesNotContain($"sessions/{later}\"", todaySection, StringComparison.Ordinal);
        Assert.Contains($"href=\"sessions/{later}\"", Section(home, "week-heading"), StringComparison.Ordinal);

        // The sessions and their agenda are a clinical read: in Jordan's access log under Alex's name.
        await app.WithDbAsync(async db => Assert.True(await AuditReads.CountAsync(db, "Today", jordans, ct: Ct) > 0));
    }

    [Fact]
    public async Task The_caseload_names_clients_sorts_by_next_session_and_hides_ended_engagements_until_asked()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var (later, laterClient) = await NewClient.JoinAsync(app, title: "Later course", displayName: "Lou Later");
        var (sooner, soonerClient) = await NewClient.JoinAsync(app, title: "Sooner course", displayName: "Sunny Sooner");
        laterClient.Dispose();
        soonerClient.Dispose();
        var ended = await StartEngagementAsync(alex, "Finished course");
        await SessionSteps.ScheduleAsync(alex, later, LondonAt(app, 5, 9), 50, "Room 1");
        await SessionSteps.ScheduleAsync(alex, sooner, LondonAt(app, 3, 9), 50, "Room 1");
        await alex.PostJsonAsync($"/api/engagements/{ended}/end", null, HttpStatusCode.OK);

        using var pages = await PagesAsync(app, "alex@riverside.test");
        var caseload = Section(await pages.GetStringAsync("/", Ct), "caseload-heading");
        Assert.True(caseload.IndexOf("Sunny Sooner", StringComparison.Ordinal) is var s and >= 0 && s < caseload.IndexOf("Lou Later", StringComparison.Ordinal),
            "The engagement whose next session comes first is listed first.");
        Assert.Contains("Jordan Ellis", caseload, StringComparison.Ordinal);
        Assert.DoesNotContain("Finished course", caseload, StringComparison.Ordinal);
        Assert.Contains("Show ended engagements (", caseload, StringComparison.Ordinal);

        var withEnded = Section(await pages.GetStringAsync("/?show=ended", Ct), "caseload-heading");
        Assert.Contains("Finished course", withEnded, StringComparison.Ordinal);
        Assert.Contains("Hide ended engagements", withEnded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alerts_on_Today_come_by_client_with_risk_first_and_each_leads_to_that_clients_alerts()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        await sam.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Phq9(each: 1, item9: 1), HttpStatusCode.Created);
        var samId = Guid.Empty;
        await app.WithDbAsync(async db => samId = await db.Users.Where(u => u.Email == "sam@riverside.test").Select(u => u.Id).SingleAsync(Ct));

        using var pages = await PagesAsync(app, "alex@riverside.test");
        var card = Section(await pages.GetStringAsync("/", Ct), "alerts-summary-heading");
        Assert.Contains($"href=\"alerts?client={samId}\">Sam Okafor</a>", card, StringComparison.Ordinal);
        Assert.Contains("risk answer", card, StringComparison.Ordinal);
        Assert.Contains("has-risk", card.Split("<li", StringSplitOptions.None)[1], StringComparison.Ordinal);

        // The link opens the alerts page with Sam chosen: only Sam's alerts are listed.
        var alerts = await pages.GetStringAsync($"/alerts?client={samId}", Ct);
        Assert.Contains($"<option value=\"{samId}\" selected", alerts, StringComparison.Ordinal);
        Assert.DoesNotContain("Jordan Ellis</", alerts.Split("alert-count", StringSplitOptions.None).Last(), StringComparison.Ordinal);

        // A client filter that is not an id is a 400 in words (as every page's malformed query value); someone else's id shows nothing of theirs.
        using var nonsense = await pages.GetAsync("/alerts?client=not-an-id", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        var said = await nonsense.Content.ReadAsStringAsync(Ct);
        Assert.Contains("address", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", said, StringComparison.Ordinal);
        using var stranger = await pages.GetAsync($"/alerts?client={Guid.NewGuid()}", Ct);
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        using var oddShow = await pages.GetAsync("/?show=%3Cscript%3E", Ct);
        Assert.Equal(HttpStatusCode.OK, oddShow.StatusCode);
        Assert.DoesNotContain("<script>", await oddShow.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_waiting_proposal_on_Today_opens_the_exact_place_to_answer_it()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        var proposal = await jordan.PostJsonAsync($"/api/engagements/{jordans}/format", new { format = "ClientLed", reason = "I would like to lead" }, HttpStatusCode.Created);

        using var pages = await PagesAsync(app, "alex@riverside.test");
        var waiting = Section(await pages.GetStringAsync("/", Ct), "waiting-heading");
        Assert.Contains($"href=\"engagements/{jordans}#format-heading\"", waiting, StringComparison.Ordinal);
        Assert.Contains("Jordan Ellis", waiting, StringComparison.Ordinal);

        // The engagement page shows it among the open proposals, with the answer form in place.
        var hub = Section(await pages.GetStringAsync($"/engagements/{jordans}", Ct), "proposals-heading");
        Assert.Contains($"id=\"proposal-{proposal.Id():N}\"", hub, StringComparison.Ordinal);
        Assert.Contains("I would like to lead", hub, StringComparison.Ordinal);
        Assert.Contains(">Accept</button>", hub, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_engagement_page_is_a_hub_next_and_last_session_scores_with_direction_and_notes()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        var next = await SessionSteps.ScheduleAsync(morgan, couple, app.Clock.GetUtcNow().AddDays(2), 50, "Room 7");
        var last = await SessionSteps.ScheduleAsync(morgan, couple, app.Clock.GetUtcNow().AddDays(-3), 50, "Room 7");
        await morgan.PostJsonAsync($"/api/sessions/{last}/status", new { status = "Completed" }, HttpStatusCode.OK);
        await SessionSteps.SignedNoteAsync(morgan, last, "We talked about weekends.");
        await riley.PostJsonAsync($"/api/engagements/{couple}/responses", MeasureRequests.Phq9(each: 2), HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await riley.PostJsonAsync($"/api/engagements/{couple}/responses", MeasureRequests.Phq9(each: 1), HttpStatusCode.Created);
        await avery.PostJsonAsync($"/api/engagements/{couple}/responses", MeasureRequests.Phq9(each: 3, item9: 0), HttpStatusCode.Created);

        using var therapistPages = await PagesAsync(app, "morgan@riverside.test");
        var page = await therapistPages.GetStringAsync($"/engagements/{couple}", Ct);
        var sessions = Section(page, "sessions-heading");
        Assert.Contains($"href=\"sessions/{next}\"", sessions.Split("hub-last", StringSplitOptions.None)[0], StringComparison.Ordinal);
        Assert.Contains($"href=\"sessions/{last}\"", sessions.Split("hub-last", StringSplitOptions.None)[1], StringComparison.Ordinal);
        Assert.Contains("note signed", sessions, StringComparison.Ordinal);
        var scores = Section(page, "scores-heading");
        Assert.Contains("Riley Brooks", scores, StringComparison.Ordinal);
        Assert.Contains("Avery Brooks", scores, StringComparison.Ordinal);
        Assert.Contains("<strong>8</strong> of 27", scores, StringComparison.Ordinal);
        Assert.Contains("down from 16", scores, StringComparison.Ordinal);
        Assert.Contains($"href=\"sessions/{last}/note\"", Section(page, "notes-heading"), StringComparison.Ordinal);

        // Riley sees her own check-ins in plain words, and never Avery's.
        using var rileyPages = await PagesAsync(app, "riley@riverside.test");
        var mine = Section(await rileyPages.GetStringAsync($"/engagements/{couple}", Ct), "scores-heading");
        Assert.Contains("Mood check (PHQ-9)", mine, StringComparison.Ordinal);
        Assert.Contains("down from 16", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("<strong>24</strong>", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("Avery", mine, StringComparison.Ordinal);

        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "EngagementHub" && e.EngagementId == couple, Ct)));
    }

    [Fact]
    public async Task The_hub_quotes_the_latest_messages_each_viewer_may_read_marks_new_ones_and_marks_nothing_read()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        var rileyId = (await riley.GetJsonAsync("/api/me")).Id();
        await avery.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "We argued about **weekends** again." }, HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await morgan.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "Just for you, Riley.", withClient = rileyId }, HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var longer = "Could we talk about the holidays " + string.Concat(Enumerable.Repeat("and the family plans ", 10)) + "ENDING";
        await riley.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = longer }, HttpStatusCode.Created);
        var unreadBefore = await Messages.MessagesApiTests.UnreadAsync(morgan, couple);

        using var morganPages = await PagesAsync(app, "morgan@riverside.test");
        var seen = WebUtility.HtmlDecode(Section(await morganPages.GetStringAsync($"/engagements/{couple}", Ct), "recent-messages-heading"));
        Assert.Contains("Avery Brooks", seen, StringComparison.Ordinal);
        Assert.Contains("We argued about weekends again.", seen, StringComparison.Ordinal);
        Assert.Contains("Just for you, Riley.", seen, StringComparison.Ordinal);
        Assert.Contains("one-to-one", seen, StringComparison.Ordinal);
        Assert.Contains("Could we talk about the holidays", seen, StringComparison.Ordinal);
        Assert.Contains("…", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("ENDING", seen, StringComparison.Ordinal);
        Assert.Contains(">New<", seen, StringComparison.Ordinal);
        Assert.Contains($"href=\"engagements/{couple}/messages\"", seen, StringComparison.Ordinal);

        // Avery never sees Riley's one-to-one thread, not even that it exists; Riley does.
        using var averyPages = await PagesAsync(app, "avery@riverside.test");
        var averySees = Section(await averyPages.GetStringAsync($"/engagements/{couple}", Ct), "recent-messages-heading");
        Assert.Contains("Could we talk about the holidays", averySees, StringComparison.Ordinal);
        Assert.DoesNotContain("Just for you", averySees, StringComparison.Ordinal);
        Assert.DoesNotContain("one-to-one", averySees, StringComparison.Ordinal);
        using var rileyPages = await PagesAsync(app, "riley@riverside.test");
        Assert.Contains("Just for you, Riley.", Section(await rileyPages.GetStringAsync($"/engagements/{couple}", Ct), "recent-messages-heading"), StringComparison.Ordinal);

        // Quoting is not reading: Morgan's unread count is what it was, and the quote is in the access log.
        Assert.Equal(unreadBefore, await Messages.MessagesApiTests.UnreadAsync(morgan, couple));
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "RecentMessages" && e.EngagementId == couple, Ct)));
    }

    /// <summary>The HTML of the section whose heading has this id, up to the next section.</summary>
    [Fact]
    public async Task Each_hub_counts_the_new_messages_of_its_own_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        var samsBefore = await Messages.MessagesApiTests.UnreadAsync(alex, sams);
        var jordansBefore = await Messages.MessagesApiTests.UnreadAsync(alex, jordans);
        for (var i = 0; i < 3; i++)
        {
            await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = $"Sam's note {i}" }, HttpStatusCode.Created);
        }

        await jordan.PostJsonAsync($"/api/engagements/{jordans}/messages", new { body = "Jordan's note" }, HttpStatusCode.Created);

        using var pages = await PagesAsync(app, "alex@riverside.test");
        Assert.Contains($"Messages ({samsBefore + 3} new)</a>", await pages.GetStringAsync($"/engagements/{sams}", Ct), StringComparison.Ordinal);
        Assert.Contains($"Messages ({jordansBefore + 1} new)</a>", await pages.GetStringAsync($"/engagements/{jordans}", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_home_shows_the_session_going_on_then_the_next_one_never_one_that_ended()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var now = app.Clock.GetUtcNow();
        var first = await SessionSteps.ScheduleAsync(alex, sams, now.AddMinutes(30), 50, "Room 4");
        var second = await SessionSteps.ScheduleAsync(alex, sams, now.AddMinutes(150), 50, "Room 4");

        // 20 minutes into the first session: it is the one shown, with the way in. (Sam signs in at each look: a page
        // left alone for longer than the idle limit signs out.)
        app.Clock.Advance(TimeSpan.FromMinutes(50));
        using var pages = await PagesAsync(app, "sam@riverside.test");
        var during = Section(await pages.GetStringAsync("/", Ct), "next-heading");
        Assert.Contains($"href=\"sessions/{first}\"", during, StringComparison.Ordinal);

        // It ended 10 minutes ago: the next one is shown instead.
        app.Clock.Advance(TimeSpan.FromMinutes(40));
        using var later = await PagesAsync(app, "sam@riverside.test");
        var after = Section(await later.GetStringAsync("/", Ct), "next-heading");
        Assert.Contains($"href=\"sessions/{second}\"", after, StringComparison.Ordinal);
        Assert.DoesNotContain($"sessions/{first}\"", after, StringComparison.Ordinal);
    }

    private static string Section(string html, string headingId)
    {
        var at = html.IndexOf($"id=\"{headingId}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"The page has no section headed #{headingId}.");
        var start = html.LastIndexOf("<section", at, StringComparison.Ordinal);
        var end = html.IndexOf("</section>", at, StringComparison.Ordinal);
        return html[start..end];
    }
}
