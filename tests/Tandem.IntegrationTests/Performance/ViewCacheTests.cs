using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: the therapist's Today is kept in memory between views, and that changes nothing a person can see: a change
/// shows on the very next view, whoever made it and on whichever node; every view is still in the access log; a view is
/// one person's only.
/// </summary>
public sealed class ViewCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private static DateTimeOffset LondonAt(TandemApp app, int daysFromToday, int hour)
    {
        var today = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), London).Date;
        var wall = today.AddDays(daysFromToday).AddHours(hour);
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

    /// <summary>The reading commands the app ran since <paramref name="from"/> (its captured log), the audit trail's own left out.</summary>
    private static List<string> ReadsSince(TandemApp app, int from) =>
        app.Log.Lines.Skip(from)
            .Where(l => l.Contains("Executed DbCommand", StringComparison.Ordinal) && l.Contains("SELECT", StringComparison.Ordinal)
                && !l.Contains("AuditChainHeads", StringComparison.Ordinal) && !l.Contains("AuditEntries", StringComparison.Ordinal))
            .ToList();

    [Fact]
    public async Task A_second_view_of_Today_is_served_from_memory_after_one_look_at_the_data_version()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        using var pages = await PagesAsync(app, "alex@riverside.test");
        await pages.GetStringAsync("/", Ct);

        var before = app.Log.Lines.Count;
        var home = await pages.GetStringAsync("/", Ct);
        var reads = ReadsSince(app, before);

        Assert.Contains("<h1>Today</h1>", home, StringComparison.Ordinal);
        Assert.Contains("Jordan Ellis", home, StringComparison.Ordinal);
        Assert.True(reads.Count <= 3, $"The second view of Today ran {reads.Count} reading commands:\n{string.Join("\n", reads)}");
        // Read once for the whole page, though its parts load at the same moment.
        Assert.Single(reads, l => l.Contains("DataVersions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_hubs_recent_messages_are_kept_and_a_new_message_or_reading_it_shows_on_the_next_view_each_view_audited()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var hub = await PagesAsync(app, "alex@riverside.test");
        var alexId = (await alex.GetJsonAsync("/api/me")).Id();
        var path = $"/engagements/{jordans}";
        await hub.GetStringAsync(path, Ct);

        // The second view quotes the messages without reading them again, nor the reviews waiting, nor the engagement.
        var before = app.Log.Lines.Count;
        Assert.Contains("Recent messages", await hub.GetStringAsync(path, Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(ReadsSince(app, before), l => l.Contains("FROM \\\"Messages\\\"", StringComparison.Ordinal)
            || l.Contains("FROM \\\"OffTrackReviews\\\"", StringComparison.Ordinal) || l.Contains("FROM \\\"Engagements\\\"", StringComparison.Ordinal));

        // Jordan writes: Alex's next view quotes it, marked new.
        var sent = await jordan.PostJsonAsync($"/api/engagements/{jordans}/messages", new { body = "Running late tonight" }, HttpStatusCode.Created);
        Assert.True(QuotedAsNew(await hub.GetStringAsync(path, Ct), "Running late tonight"), "the hub did not quote Jordan's new message as new");

        // Alex reads it: the next view no longer marks it new.
        await alex.PostJsonAsync($"/api/messages/{sent.Id()}/read", null, HttpStatusCode.OK);
        var after = await hub.GetStringAsync(path, Ct);
        Assert.Contains("Running late tonight", after, StringComparison.Ordinal);
        Assert.False(QuotedAsNew(after, "Running late tonight"), "the hub still marks a message Alex has read as new");

        // Four views, four entries in the access log, kept or not.
        await app.WithDbAsync(async db => Assert.Equal(4, await db.AuditEntries.CountAsync(
            e => e.ObjectType == "RecentMessages" && e.EngagementId == jordans && e.UserId == alexId && e.Action == AuditAction.Read, Ct)));
    }

    [Fact]
    public async Task The_conversation_is_kept_and_a_new_message_or_its_reading_shows_on_the_next_view_each_view_audited()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var page = await PagesAsync(app, "jordan@riverside.test");
        var jordanId = (await jordan.GetJsonAsync("/api/me")).Id();
        var path = $"/engagements/{jordans}/messages";
        var mine = await jordan.PostJsonAsync($"/api/engagements/{jordans}/messages", new { body = "Can we talk about sleep?" }, HttpStatusCode.Created);
        await page.GetStringAsync(path, Ct);

        // The second view shows the thread without reading its messages, read marks or names again.
        var before = app.Log.Lines.Count;
        var second = await page.GetStringAsync(path, Ct);
        Assert.Contains("Can we talk about sleep?", second, StringComparison.Ordinal);
        var reads = ReadsSince(app, before);
        Assert.DoesNotContain(reads, l => l.Contains("FROM \\\"Messages\\\"", StringComparison.Ordinal)
            || l.Contains("FROM \\\"MessageReadStates\\\"", StringComparison.Ordinal) || l.Contains("FROM \\\"PracticeSettings\\\"", StringComparison.Ordinal));
        Assert.Equal("sent", Receipt(second, "Can we talk about sleep?"));

        // Alex reads it: Jordan's next view says so.
        await alex.PostJsonAsync($"/api/messages/{mine.Id()}/read", null, HttpStatusCode.OK);
        Assert.Equal("read", Receipt(await page.GetStringAsync(path, Ct), "Can we talk about sleep?"));

        // Alex answers: Jordan's next view has it.
        await alex.PostJsonAsync($"/api/engagements/{jordans}/messages", new { body = "Yes, first thing on Thursday" }, HttpStatusCode.Created);
        Assert.Contains("Yes, first thing on Thursday", await page.GetStringAsync(path, Ct), StringComparison.Ordinal);

        // Four views, four entries in the access log, kept or not.
        await app.WithDbAsync(async db => Assert.Equal(4, await db.AuditEntries.CountAsync(
            e => e.ObjectType == "MessageThread" && e.EngagementId == jordans && e.UserId == jordanId && e.Action == AuditAction.Read, Ct)));
    }

    [Fact]
    public async Task Progress_is_kept_and_a_new_response_shows_on_the_next_view_each_view_audited()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var page = await PagesAsync(app, "alex@riverside.test");
        var alexId = (await alex.GetJsonAsync("/api/me")).Id();
        var path = $"/engagements/{jordans}/progress";
        var api = $"/api/engagements/{jordans}/progress";
        int Phq9Points(System.Text.Json.JsonElement progress) => progress.GetProperty("people").EnumerateArray()
            .SelectMany(p => p.GetProperty("measures").EnumerateArray()).Where(m => m.GetProperty("instrumentId").GetString() == "phq-9")
            .Sum(m => m.GetProperty("series").GetArrayLength());
        var first = await page.GetStringAsync(path, Ct);

        // The second view (page or API: the same view) reads no responses or alerts again, and shows the record as drawn.
        var before = app.Log.Lines.Count;
        string second = "";
        Assert.Contains(("ProgressPart", true), await PartsDrawnDuringAsync(async () => second = await page.GetStringAsync(path, Ct)));
        Assert.Contains("PHQ-9", second, StringComparison.Ordinal);
        Assert.Equal(Drawn(first), Drawn(second));
        var points = Phq9Points(await alex.GetJsonAsync(api));
        Assert.DoesNotContain(ReadsSince(app, before), l => l.Contains("FROM \\\"MeasureResponses\\\"", StringComparison.Ordinal)
            || l.Contains("FROM \\\"MeasureAlerts\\\"", StringComparison.Ordinal));

        // Jordan answers a PHQ-9: Alex's next view has the new score.
        await jordan.PostJsonAsync($"/api/engagements/{jordans}/responses", Measures.MeasureRequests.Phq9(each: 2), HttpStatusCode.Created);
        Assert.Equal(points + 1, Phq9Points(await alex.GetJsonAsync(api)));
        Assert.Equal(ScoreRows(second) + 1, ScoreRows(await page.GetStringAsync(path, Ct)));

        // Five views, five entries in the access log, kept or not.
        await app.WithDbAsync(async db => Assert.Equal(5, await db.AuditEntries.CountAsync(
            e => e.ObjectType == "Progress" && e.EngagementId == jordans && e.UserId == alexId && e.Action == AuditAction.Read, Ct)));
    }

    [Fact]
    public async Task The_plan_board_is_kept_and_a_rating_or_a_proposal_shows_on_the_next_load_each_load_audited()
    {
        // What the board reads over its circuit when it loads, as the harness's one request (Bench:Enabled).
        var settings = CommandLog.Settings();
        settings["Bench:Enabled"] = "true";
        await using var app = await TandemApp.StartAsync(settings: settings);
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var alexId = (await alex.GetJsonAsync("/api/me")).Id();
        var board = $"/bench/plan-board/{sams}";
        await alex.GetJsonAsync(board);

        // The second load reads no engagement, goals or proposals again.
        var before = app.Log.Lines.Count;
        var second = await alex.GetJsonAsync(board);
        Assert.DoesNotContain(ReadsSince(app, before), l => l.Contains("FROM \\\"Engagements\\\"", StringComparison.Ordinal)
            || l.Contains("FROM \\\"Goals\\\"", StringComparison.Ordinal) || l.Contains("FROM \\\"Proposals\\\"", StringComparison.Ordinal));
        var goal = second.GetProperty("plan").GetProperty("goals").EnumerateArray().First(g => g.Str("status") == "Agreed");

        // Sam rates the goal: Alex's next load has the rating.
        await sam.PostJsonAsync($"/api/engagements/{sams}/goals/{goal.Id()}/ratings", new { value = 8, attainment = 1 }, HttpStatusCode.Created);
        var rated = (await alex.GetJsonAsync(board)).GetProperty("plan").GetProperty("goals").EnumerateArray().Single(g => g.Id() == goal.Id());
        Assert.Equal(8, rated.GetProperty("latestRating").GetProperty("value").GetInt32());

        // Sam proposes a goal: Alex's next load has it.
        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "Walk by the river on Sundays" }, HttpStatusCode.Created);
        Assert.Contains("Walk by the river on Sundays", (await alex.GetJsonAsync(board)).GetRawText(), StringComparison.Ordinal);

        // Four loads, four reads of the plan in the access log, kept or not.
        await app.WithDbAsync(async db => Assert.Equal(4, await db.AuditEntries.CountAsync(
            e => e.ObjectType == "Plan" && e.EngagementId == sams && e.UserId == alexId && e.Action == AuditAction.Read, Ct)));
    }

    /// <summary>The receipt ("sent" or "read") under the person's own message quoting <paramref name="text"/>.</summary>
    private static string Receipt(string html, string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(html, System.Text.RegularExpressions.Regex.Escape(text) + "(?:(?!</li>).)*data-receipt=\"(\\w+)\"", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(m.Success, $"no receipt under \"{text}\"");
        return m.Groups[1].Value;
    }

    /// <summary>Whether the hub's list item quoting <paramref name="text"/> is marked new.</summary>
    private static bool QuotedAsNew(string html, string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(html, "<li class=\"unread\">(?:(?!</li>).)*" + System.Text.RegularExpressions.Regex.Escape(text), System.Text.RegularExpressions.RegexOptions.Singleline);

    /// <summary>
    /// The page parts drawn from kept views while <paramref name="work"/> ran, and whether each was kept (hit). Other tests
    /// draw at the same time, so a caller asserts only that its own parts are there.
    /// </summary>
    private static async Task<List<(string Part, bool Hit)>> PartsDrawnDuringAsync(Func<Task> work)
    {
        var drawn = new List<(string Part, bool Hit)>();
        using (var listener = new System.Diagnostics.Metrics.MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "tandem.view_cache.markup")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? part = null;
                var hit = false;
                foreach (var t in tags)
                {
                    part = t.Key == "tandem.part" ? t.Value as string : part;
                    hit = t.Key == "tandem.view_cache.hit" ? t.Value is true : hit;
                }

                lock (drawn)
                {
                    drawn.Add((part ?? "", hit));
                }
            });
            listener.Start();
            await work();
        }

        lock (drawn)
        {
            return [.. drawn];
        }
    }

    /// <summary>Whether the Today item of session <paramref name="session"/> is marked "Now".</summary>
    private static bool MarkedNow(string html, Guid session) =>
        System.Text.RegularExpressions.Regex.IsMatch(html,
            "<li class=\"today-session[^\"]*\">(?:(?!</li>).)*href=\"sessions/" + session + "\"(?:(?!</li>).)*<span class=\"badge status-active\">Now</span>",
            System.Text.RegularExpressions.RegexOptions.Singleline);

    /// <summary>The rows of the progress page's tables of scores.</summary>
    private static int ScoreRows(string html) => System.Text.RegularExpressions.Regex.Count(html, "<tr><td>");

    /// <summary>The page without what changes on every answer (the form and circuit tokens).</summary>
    private static string Drawn(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "(value=\"CfDJ8[^\"]*\")|(<!--Blazor[^>]*-->)", "");

    /// <summary>
    /// Today's sessions, the week and the caseload are drawn once for each kept view, and shown again as they were drawn:
    /// the same page, the same "Now" on a session that has started, even within the minute a view is kept for.
    /// </summary>
    [Fact]
    public async Task Todays_lists_are_drawn_once_for_each_kept_view_and_a_session_is_marked_now_the_moment_it_starts()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        var now = app.Clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(2);
        // A session that starts twenty seconds into a minute.
        Guid session;
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            session = await SessionSteps.ScheduleAsync(alex, jordans, minute.AddSeconds(20), 50, "Room 4");
        }

        using var pages = await PagesAsync(app, "alex@riverside.test");
        app.Clock.SetUtcNow(minute.AddSeconds(5));
        var first = await pages.GetStringAsync("/", Ct);
        Assert.Contains($"href=\"sessions/{session}\"", first, StringComparison.Ordinal);
        Assert.False(MarkedNow(first, session), "The session is marked Now fifteen seconds before it starts.");

        // The second view in the same minute: the lists are not drawn again, and the page is the same.
        string second = "";
        var drawn = await PartsDrawnDuringAsync(async () => second = await pages.GetStringAsync("/", Ct));

        Assert.Equal(Drawn(first), Drawn(second));
        Assert.Contains(("TodaySessionsPart", true), drawn);
        Assert.Contains(("CaseloadPart", true), drawn);

        // Ten seconds after it starts, in the same minute: marked Now.
        app.Clock.SetUtcNow(minute.AddSeconds(30));
        Assert.True(MarkedNow(await pages.GetStringAsync("/", Ct), session), "The session is not marked Now ten seconds after it started.");
    }

    /// <summary>
    /// The alerts page's list (its largest part) is drawn once for each kept view and shown again as it was drawn; an
    /// acknowledgement or a new alert shows on the very next view, and each view is still in the access log.
    /// </summary>
    [Fact]
    public async Task The_alerts_list_is_drawn_once_for_each_kept_view_and_a_change_shows_on_the_next_view()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", Measures.MeasureRequests.Phq9(each: 1, item9: 2), HttpStatusCode.Created);
        var alert = (await alex.GetJsonAsync("/api/alerts?includeEnded=true")).EnumerateArray()
            .Single(a => a.GetProperty("engagementId").GetGuid() == id);
        var card = $"href=\"engagements/{id}/progress\"";

        using var pages = await PagesAsync(app, "alex@riverside.test");
        var first = await pages.GetStringAsync("/alerts", Ct);
        Assert.Contains("About risk: look at these first", first, StringComparison.Ordinal);
        Assert.Contains(card, first, StringComparison.Ordinal);
        var readsBefore = await AlertPageReadsAsync(app);

        // The second view in the same minute: the list is not drawn again, and the page is the same.
        string second = "";
        var drawn = await PartsDrawnDuringAsync(async () => second = await pages.GetStringAsync("/alerts", Ct));
        Assert.Contains(("AlertGroups", true), drawn);
        Assert.Equal(Drawn(first), Drawn(second));
        Assert.True(await AlertPageReadsAsync(app) > readsBefore, "The view served from memory is not in the access log.");

        // Acknowledged: gone from the very next view, though the minute is not over.
        await alex.PostJsonAsync($"/api/alerts/{alert.GetProperty("id").GetGuid()}/acknowledge", null, HttpStatusCode.OK);
        var third = await pages.GetStringAsync("/alerts", Ct);
        Assert.DoesNotContain("About risk: look at these first", third, StringComparison.Ordinal);
        Assert.DoesNotContain(card, third, StringComparison.Ordinal);
    }

    /// <summary>
    /// The access log's entries are read afresh at every view; only their drawing is kept, for one person and view, while the
    /// entries are the same one by one. Someone else's read shows on the very next view, drawn afresh, and another person's
    /// view of the same log is drawn for them.
    /// </summary>
    [Fact]
    public async Task The_access_logs_entries_are_drawn_again_only_when_they_change_and_a_new_read_shows_on_the_next_view()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await PagesAsync(app, "sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        var path = $"/engagements/{sams}/access-log";
        var first = await sam.GetStringAsync(path, Ct);
        Assert.Contains("Alex Rivera opened the plan", first, StringComparison.Ordinal);

        // The same entries: the list is not drawn again, and the page is the same.
        string second = "";
        var drawn = await PartsDrawnDuringAsync(async () => second = await sam.GetStringAsync(path, Ct));
        Assert.Contains(("AccessLogEntries", true), drawn);
        Assert.DoesNotContain(("AccessLogEntries", false), drawn);
        Assert.Equal(Drawn(first), Drawn(second));

        // Alex opens the plan again: Sam's very next view has it.
        await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        string third = "";
        drawn = await PartsDrawnDuringAsync(async () => third = await sam.GetStringAsync(path, Ct));
        Assert.Contains(("AccessLogEntries", false), drawn);
        Assert.Equal(OpenedThePlan(second) + 1, OpenedThePlan(third));

        // Alex's own view of the log (everyone, him included) is his: "You", never Sam's drawing.
        using var alexPages = await PagesAsync(app, "alex@riverside.test");
        var his = await alexPages.GetStringAsync(path + "?who=all", Ct);
        Assert.Contains("You opened the plan", his, StringComparison.Ordinal);
        Assert.DoesNotContain("Alex Rivera opened the plan", his, StringComparison.Ordinal);
    }

    private static int OpenedThePlan(string html) =>
        System.Text.RegularExpressions.Regex.Count(html, "Alex Rivera opened the plan");

    /// <summary>The reads of alerts in the trail so far (each view of the list records those it shows).</summary>
    private static async Task<int> AlertPageReadsAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await db.AuditEntries.CountAsync(e => e.Action == AuditAction.Read && e.ObjectType == "MeasureAlertList", Ct));
        return count;
    }

    [Fact]
    public async Task A_change_shows_on_the_next_view_of_Today_whoever_made_it_and_on_either_node()
    {
        await using var app = await TandemApp.StartAsync();
        await using var node2 = new TandemApp(app.Database, seeded: true, new Dictionary<string, string?>());
        var jordans = await Demo.JordansEngagementAsync(app);
        using var today = await PagesAsync(app, "alex@riverside.test");
        Assert.DoesNotContain("Sleep since the move", await today.GetStringAsync("/", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("Sleep since the move", await today.GetStringAsync("/", Ct), StringComparison.Ordinal);

        // Alex, on the other node: a session today, with an agenda item.
        using var alexOnNode2 = await node2.ClientForAsync("alex@riverside.test");
        var session = await SessionSteps.ScheduleAsync(alexOnNode2, jordans, LondonAt(app, 0, 23), 50, "Room 4");
        await alexOnNode2.PostJsonAsync($"/api/sessions/{session}/agenda", new { text = "Sleep since the move" }, HttpStatusCode.Created);
        var after = await today.GetStringAsync("/", Ct);
        Assert.Contains($"href=\"sessions/{session}\"", after, StringComparison.Ordinal);
        Assert.Contains("Sleep since the move", after, StringComparison.Ordinal);

        // Jordan, on the other node, adds to the agenda: Alex's next view on the first node has it.
        using var jordan = await node2.ClientForAsync("jordan@riverside.test");
        await jordan.PostJsonAsync($"/api/sessions/{session}/agenda", new { text = "Work hours" }, HttpStatusCode.Created);
        Assert.Contains("Work hours", await today.GetStringAsync("/", Ct), StringComparison.Ordinal);

        // A message from Jordan is counted at once; read by Alex, it is no longer new.
        var unread = NewMessages(after);
        var sent = await jordan.PostJsonAsync($"/api/engagements/{jordans}/messages", new { body = "See you tonight" }, HttpStatusCode.Created);
        Assert.Equal(unread + 1, NewMessages(await today.GetStringAsync("/", Ct)));
        await alexOnNode2.PostJsonAsync($"/api/messages/{sent.Id()}/read", null, HttpStatusCode.OK);
        Assert.True(NewMessages(await today.GetStringAsync("/", Ct)) <= unread);
    }

    /// <summary>The count Today's messages card states.</summary>
    private static int NewMessages(string html)
    {
        if (html.Contains("No new messages.", StringComparison.Ordinal))
        {
            return 0;
        }

        var m = System.Text.RegularExpressions.Regex.Match(html, @"You have (\d+) new messages?\.");
        Assert.True(m.Success, "Today states no count of new messages.");
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly string[] ListedAs = ["Today", "EngagementList"];

    /// <summary>
    /// One view of Today, one entry per engagement it shows: "Today" (the coming sessions, their agenda and the
    /// caseload's row) for an engagement with sessions this week, "EngagementList" (its row alone) for the others, and
    /// nothing for an ended engagement the page only counts. Kept in memory or made afresh, the same.
    /// </summary>
    [Fact]
    public async Task Every_view_of_Today_is_in_the_access_log_once_per_engagement_shown_served_from_memory_or_not()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        // Two new engagements without sessions: one stays a row of the caseload, one is ended (only counted).
        var (rowOnly, quinn) = await NewClient.JoinAsync(app, title: "Rows only", displayName: "Quinn Lee");
        quinn.Dispose();
        var (ended, robin) = await NewClient.JoinAsync(app);
        robin.Dispose();
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            await SessionSteps.ScheduleAsync(alex, jordans, LondonAt(app, 0, 23), 50, "Room 4");
            await alex.PostJsonAsync($"/api/engagements/{ended}/end", null, HttpStatusCode.OK);
        }

        using var pages = await PagesAsync(app, "alex@riverside.test");
        async Task<Dictionary<(Guid, string), int>> CountAsync()
        {
            var counts = new Dictionary<(Guid, string), int>();
            await app.WithDbAsync(async db =>
            {
                foreach (var id in new[] { jordans, rowOnly, ended })
                {
                    foreach (var type in ListedAs)
                    {
                        counts[(id, type)] = await AuditReads.CountAsync(db, type, id, ct: Ct);
                    }
                }
            });
            return counts;
        }

        var start = await CountAsync();
        for (var view = 1; view <= 3; view++)
        {
            var html = await pages.GetStringAsync("/", Ct);
            Assert.Contains("Show ended engagements (1)", html, StringComparison.Ordinal);
            var now = await CountAsync();
            Assert.Equal(start[(jordans, "Today")] + view, now[(jordans, "Today")]);
            Assert.Equal(start[(jordans, "EngagementList")], now[(jordans, "EngagementList")]);
            Assert.Equal(start[(rowOnly, "EngagementList")] + view, now[(rowOnly, "EngagementList")]);
            Assert.Equal(start[(rowOnly, "Today")], now[(rowOnly, "Today")]);
            Assert.Equal(start[(ended, "EngagementList")], now[(ended, "EngagementList")]);
            Assert.Equal(start[(ended, "Today")], now[(ended, "Today")]);
        }

        // Shown when asked for: then its row is a read.
        await pages.GetStringAsync("/?show=ended", Ct);
        Assert.Equal(start[(ended, "EngagementList")] + 1, (await CountAsync())[(ended, "EngagementList")]);
    }

    [Fact]
    public async Task A_therapist_who_leaves_an_engagement_is_refused_its_kept_views_at_once()
    {
        // The participant check runs when a view is made, not when a kept one is used: leaving must move the data version.
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var morgansPages = await PagesAsync(app, "morgan@riverside.test");
        var morganId = await Accounts.SignInTests.IdOf(app, "morgan@riverside.test");
        await alex.PostJsonAsync($"/api/engagements/{jordans}/therapists", new { userId = morganId }, HttpStatusCode.OK);

        string[] apis = [$"/api/engagements/{jordans}/progress", $"/api/engagements/{jordans}/messages"];
        string[] pages = [$"/engagements/{jordans}", $"/engagements/{jordans}/progress", $"/engagements/{jordans}/messages", $"/engagements/{jordans}/access-log"];
        for (var round = 0; round < 2; round++)
        {
            foreach (var api in apis)
            {
                Assert.Equal(HttpStatusCode.OK, await morgan.StatusOfGetAsync(api));
            }

            foreach (var page in pages)
            {
                using var seen = await morgansPages.GetAsync(page, Ct);
                Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
            }
        }

        await app.WithDbAsync(async db =>
        {
            var engagement = await db.Engagements.Include(e => e.Participants).SingleAsync(e => e.Id == jordans, Ct);
            engagement.Remove(morganId, app.Clock.GetUtcNow());
            await db.SaveChangesAsync(Ct);
        });

        foreach (var api in apis)
        {
            Assert.Equal(HttpStatusCode.NotFound, await morgan.StatusOfGetAsync(api));
        }

        foreach (var page in pages)
        {
            using var refused = await morgansPages.GetAsync(page, Ct);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        // Each refusal is in the access log, as a refusal (nobody who left reads a kept copy unrecorded).
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.CountAsync(
            e => e.EngagementId == jordans && e.UserId == morganId && e.Outcome == AuditOutcome.Refused, Ct) >= apis.Length + pages.Length));
    }

    [Fact]
    public async Task A_view_kept_for_one_therapist_is_never_shown_to_another()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await PagesAsync(app, "alex@riverside.test");
        using var morgan = await PagesAsync(app, "morgan@riverside.test");

        for (var round = 0; round < 2; round++)
        {
            var alexs = await alex.GetStringAsync("/", Ct);
            var morgans = await morgan.GetStringAsync("/", Ct);
            Assert.Contains("Jordan Ellis", alexs, StringComparison.Ordinal);
            Assert.DoesNotContain("Jordan Ellis", morgans, StringComparison.Ordinal);
            Assert.Contains("Good to see you, Morgan", morgans, StringComparison.Ordinal);
        }
    }
}
