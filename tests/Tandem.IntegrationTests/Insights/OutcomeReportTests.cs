using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Insights;

/// <summary>
/// The practice outcome report over the demo with Riverside's former clients: who sees what,
/// that the figures match the database, that nothing crosses practices or names anyone, that
/// periods are whole calendar months, quarters or years, and that thin periods give clear answers.
/// </summary>
public sealed partial class OutcomeReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.DoesNotContain("NaN", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static readonly string[] NoneOrFew = ["0", "fewer than 5"];

    private static string Text(JsonElement figure) => figure.GetProperty("text").GetString()!;

    private static int? Value(JsonElement figure) => figure.GetProperty("value").ValueKind == JsonValueKind.Null ? null : figure.GetProperty("value").GetInt32();

    private static DateOnly Today(TandemApp app) => app.TodayIn();

    [Fact]
    public async Task The_admin_sees_finished_courses_of_the_last_quarter_matching_the_database_without_any_names()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var report = await GetAsync(admin, "/api/practice/outcomes");
        var quarter = DisclosureAttackTests.QuarterKey(DisclosureAttackTests.LastQuarterEnd(Today(app)));
        Assert.Equal(quarter, report.GetProperty("period").GetProperty("key").GetString());
        Assert.Equal("quarter", report.GetProperty("period").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("period").GetProperty("note").ValueKind);

        // Courses (client x engagement) whose engagement ended in the quarter, days in Riverside's zone (London).
        var from = DateOnly.Parse(report.GetProperty("period").GetProperty("from").GetString()!, CultureInfo.InvariantCulture);
        var to = DateOnly.Parse(report.GetProperty("period").GetProperty("to").GetString()!, CultureInfo.InvariantCulture);
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        int finished = 0;
        var names = new List<string>();
        await app.WithDbAsync(async db =>
        {
            var riverside = await db.Practices.Where(p => p.Name == "Riverside").Select(p => p.Id).SingleAsync(Ct);
            var ended = await db.Engagements.Where(e => e.PracticeId == riverside && e.EndedAt != null).Select(e => new { e.Id, e.EndedAt }).ToListAsync(Ct);
            var ids = ended.Where(e => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.EndedAt!.Value, london).DateTime) is var d && d >= from && d <= to).Select(e => e.Id).ToList();
            finished = await db.Participants.CountAsync(p => p.Role == ParticipantRole.Client && ids.Contains(p.EngagementId), Ct);
            names = await db.Users.Where(u => u.PracticeId == riverside && u.Role == Tandem.Features.Accounts.PersonRole.Client).Select(u => u.DisplayName + "|" + u.Email).ToListAsync(Ct);
        });

        var overall = report.GetProperty("overall");
        var courses = overall.GetProperty("finished").GetProperty("courses");
        Assert.True(finished >= 5, $"the demo has {finished} courses ending in {quarter}");
        Assert.Equal(finished, Value(courses));
        foreach (var rate in new[] { "reliableImprovement", "noReliableChange", "reliableDeterioration", "mixed", "recovery", "reliableRecovery" })
        {
            var figure = overall.GetProperty("finished").GetProperty(rate);
            Assert.Matches(RateText(), Text(figure));
            if (figure.GetProperty("percent").ValueKind == JsonValueKind.Number)
            {
                Assert.InRange(figure.GetProperty("percent").GetInt32(), 0, 100);
            }
        }

        // Quarters show each therapist's own courses.
        var therapists = report.GetProperty("byTherapist").EnumerateArray().Select(t => t.GetProperty("label").GetString()).ToList();
        Assert.Equal(["Alex Rivera", "Morgan Chen"], therapists);

        var raw = report.GetRawText();
        foreach (var person in names)
        {
            var parts = person.Split('|');
            Assert.DoesNotContain(parts[0], raw, StringComparison.Ordinal);
            Assert.DoesNotContain(parts[1], raw, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var key in report.GetProperty("byTherapist").EnumerateArray().Select(t => t.GetProperty("key").GetString()!))
        {
            raw = raw.Replace(key, "", StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(GuidPattern(), raw);
        // No unrounded figure: means have at most one decimal, rates are whole percents, no "n".
        foreach (var f in ReportJson.Figures(report).Where(f => f.Element.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number))
        {
            var v = f.Element.GetProperty("value").GetDouble();
            Assert.True(Math.Abs((v * 10) - Math.Round(v * 10)) < 1e-9, $"{f.Path} = {v}");
        }

        Assert.DoesNotContain("\"n\":", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_therapist_sees_only_their_own_caseload_and_it_agrees_with_their_row_in_the_admin_report()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var practice = await GetAsync(admin, "/api/practice/outcomes");
        var own = await GetAsync(alex, "/api/practice/outcomes");

        Assert.Equal("caseload", own.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("byTherapist").ValueKind);
        var overall = own.GetProperty("overall");
        var alexRow = practice.GetProperty("byTherapist").EnumerateArray().Single(t => t.GetProperty("label").GetString() == "Alex Rivera");
        foreach (var (section, figure) in new[] { ("finished", "courses"), ("finished", "measured"), ("activity", "started"), ("activity", "ended"), ("inTreatment", "courses") })
        {
            // Each report hides what it must; where both show a figure it is the same.
            if (Value(alexRow.GetProperty(section).GetProperty(figure)) is { } a && Value(overall.GetProperty(section).GetProperty(figure)) is { } b)
            {
                Assert.Equal(a, b);
            }
        }
    }

    [Fact]
    public async Task Another_practice_never_counts_and_a_small_practice_shows_fewer_than_5()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var harbor = await app.ClientForAsync("admin@harbor.test");
        using var lee = await app.ClientForAsync("lee@harbor.test");

        // Harbor's year is Los Angeles's: on New Year's morning in London it is still last year there.
        var lastYear = app.TodayIn("America/Los_Angeles").Year - 1;
        foreach (var client in new[] { harbor, lee })
        {
            var report = await GetAsync(client, $"/api/practice/outcomes?period={lastYear}");
            var overall = report.GetProperty("overall");
            // Harbor has one client: none of Riverside's people leak in, and nothing shows a count of 1.
            Assert.NotEqual("1", Text(overall.GetProperty("inTreatment").GetProperty("courses")));
            Assert.Contains(Text(overall.GetProperty("inTreatment").GetProperty("courses")), NoneOrFew);
            Assert.Contains(Text(overall.GetProperty("finished").GetProperty("courses")), NoneOrFew);
            Assert.All(report.GetProperty("collaborationOverTime").EnumerateArray(), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("client").GetProperty("value").ValueKind));
        }

        using var csv = await harbor.GetAsync($"/api/practice/outcomes.csv?period={lastYear}", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, csv.StatusCode);
        Assert.Contains("has fewer than 5 courses, so there is no file that would not point to someone", await csv.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_and_strangers_are_refused_and_only_the_admin_downloads_the_csv()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var anonymous = app.CreateAnonymousClient();

        Assert.Equal(HttpStatusCode.NotFound, (await sam.GetAsync("/api/practice/outcomes", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sam.GetAsync("/api/practice/outcomes.csv", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alex.GetAsync("/api/practice/outcomes.csv", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/practice/outcomes", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_csv_is_de_identified_k_anonymous_and_says_how_many_rows_were_withheld()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var year = DisclosureAttackTests.QuarterKey(DisclosureAttackTests.LastQuarterEnd(Today(app)));
        using var response = await admin.GetAsync($"/api/practice/outcomes.csv?period={year}", Ct);
        var csv = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, csv);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"tandem-outcomes-{year}.csv", response.Content.Headers.ContentDisposition!.FileName);
        var rows = int.Parse(response.Headers.GetValues("Tandem-Rows").Single(), CultureInfo.InvariantCulture);
        var withheld = int.Parse(response.Headers.GetValues("Tandem-Rows-Withheld").Single(), CultureInfo.InvariantCulture);
        Assert.Contains("withheld", response.Headers.GetValues("Tandem-Note").Single(), StringComparison.Ordinal);
        Assert.True(withheld is 0 or >= 5, $"{withheld} rows withheld");

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["row", "format", "therapist", "started", "status", "sessions_held", "phq9_scores", "gad7_scores"], header.Take(8));
        Assert.Equal(rows, lines.Length - 1);
        Assert.True(rows >= 5);
        Assert.All(lines.Skip(1), l => Assert.Equal(header.Length, l.Split(',').Length));

        // Every combination of the columns that describe a person or an engagement is shared by 5 or more rows.
        var smallest = lines.Skip(1).GroupBy(l => string.Join(',', l.Split(',').Skip(1).Take(7)), StringComparer.Ordinal).Min(g => g.Count());
        Assert.True(smallest >= 5, $"a combination is shared by only {smallest} rows");
        Assert.DoesNotContain(lines.Skip(1), l => l.Split(',')[4] == "open");

        var people = new List<string>();
        await app.WithDbAsync(async db =>
        {
            var riverside = await db.Practices.Where(p => p.Name == "Riverside").Select(p => p.Id).SingleAsync(Ct);
            var users = await db.Users.Where(u => u.PracticeId == riverside).Select(u => new { u.DisplayName, u.Email }).ToListAsync(Ct);
            people = users.SelectMany(u => new[] { u.DisplayName, u.Email! }).ToList();
        });

        Assert.DoesNotMatch(GuidPattern(), csv);
        Assert.DoesNotMatch(DatePattern(), csv);
        Assert.All(people, p => Assert.DoesNotContain(p, csv, StringComparison.OrdinalIgnoreCase));
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.AnyAsync(a => a.ObjectType == "OutcomeReportCsv" && a.ObjectId == $"practice {year}" && a.Purpose == AuditPurposes.Export, Ct)));
    }

    [Fact]
    public async Task Periods_are_whole_calendar_months_quarters_or_years_that_are_over()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var today = Today(app);

        // Days inside one month widen to the month, and the answer says so.
        var end = DisclosureAttackTests.LastQuarterEnd(today);
        var month = new DateOnly(end.Year, end.Month, 1);
        var snapped = await GetAsync(admin, $"/api/practice/outcomes?from={month.AddDays(4):yyyy-MM-dd}&to={month.AddDays(19):yyyy-MM-dd}");
        Assert.Equal($"{month:yyyy-MM}", snapped.GetProperty("period").GetProperty("key").GetString());
        Assert.Contains("Reports cover whole calendar months, quarters or years", snapped.GetProperty("period").GetProperty("note").GetString(), StringComparison.Ordinal);
        var exact = await GetAsync(admin, $"/api/practice/outcomes?period={month:yyyy-MM}");
        Assert.Equal(snapped.GetProperty("overall").GetRawText(), exact.GetProperty("overall").GetRawText());

        // Long before Tandem: nothing, and clear words rather than NaN.
        var empty = await GetAsync(admin, "/api/practice/outcomes?period=2001");
        Assert.Equal("0", Text(empty.GetProperty("overall").GetProperty("activity").GetProperty("started")));
        Assert.Equal("0", Text(empty.GetProperty("overall").GetProperty("finished").GetProperty("courses")));
        Assert.Equal("no data yet", Text(empty.GetProperty("overall").GetProperty("finished").GetProperty("reliableImprovement")));
        Assert.Equal(12, empty.GetProperty("collaborationOverTime").GetArrayLength());

        async Task Refused(string query, string sentence)
        {
            using var response = await admin.GetAsync($"/api/practice/outcomes?{query}", Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {body}");
            Assert.Contains(sentence, body, StringComparison.Ordinal);
        }

        var current = DisclosureAttackTests.QuarterKey(today);
        await Refused($"period={current}", "is not over yet");
        await Refused($"period={today.Year}", "is not over yet");
        // Days of this year only (on 1 and 2 January two days back is last year: "falls in two years", below).
        var thisYearFrom = today.AddDays(-2).Year == today.Year ? today.AddDays(-2) : new DateOnly(today.Year, 1, 1);
        await Refused($"from={thisYearFrom:yyyy-MM-dd}&to={today:yyyy-MM-dd}", "is not over yet");
        if (today.Month % 3 != 1)
        {
            var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
            await Refused($"period={lastMonth:yyyy-MM}", "figures appear when its quarter is over");
        }
        await Refused($"from={today.Year - 2}-11-03&to={today.Year - 1}-02-10", "falls in two years");
        await Refused("period=2026-13", "Choose a period as a year (2026), a quarter (2026-Q3) or a month (2026-07)");
        await Refused("from=2026-10-01&to=2026-01-01", "The start of the period is after its end.");
        using var malformed = await admin.GetAsync("/api/practice/outcomes?from=2026-13-01", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    /// <summary>
    /// Disclosure control must not eat the report: a year of about a hundred finished courses
    /// shows the whole practice's counts and PHQ-9 results, each format's and each therapist's
    /// courses, and the last quarter shows the whole practice's (the demo's Riverside, two
    /// therapists). Reliable improvement and recovery are hidden on the days they would give away a
    /// count of 1 to 4 in the demo's history, which moves with the day it is seeded; how often they
    /// stay in sight over a year of days is measured in the unit suite (DemoPracticeYearTests).
    /// </summary>
    [Fact]
    public async Task The_headline_figures_of_a_year_and_a_quarter_stay_in_sight()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var year = await GetAsync(admin, $"/api/practice/outcomes?period={Today(app).Year - 1}");
        var quarter = await GetAsync(admin, "/api/practice/outcomes");

        var missing = new List<string>();
        void Shown(JsonElement report, string group, JsonElement g, params string[] figures)
        {
            var finished = g.GetProperty("finished");
            foreach (var f in figures)
            {
                var figure = f.StartsWith("phq9.", StringComparison.Ordinal) ? finished.GetProperty("phq9").GetProperty(f[5..]) : finished.GetProperty(f);
                if (figure.GetProperty("suppressed").GetBoolean())
                {
                    missing.Add($"{report.GetProperty("period").GetProperty("key").GetString()} {group} {f}: {Text(figure)}");
                }
            }
        }

        string[] headline = ["courses", "measured", "casesAtStart", "phq9.meanFirst", "phq9.meanLast", "phq9.effectSize"];
        Shown(year, "whole practice", year.GetProperty("overall"), headline);
        Shown(quarter, "whole practice", quarter.GetProperty("overall"), headline);
        foreach (var g in year.GetProperty("byFormat").EnumerateArray().Concat(year.GetProperty("byTherapist").EnumerateArray()))
        {
            Shown(year, g.GetProperty("label").GetString()!, g, "courses", "measured");
        }

        Assert.True(missing.Count == 0, "hidden: " + string.Join("; ", missing));
    }

    /// <summary>
    /// Issue 20, finding 4: "open 28" beside "ended 24" with 4 active. Engagements are counted as
    /// started, active and paused at the end, and ended, never "open" for ended ones, and they add
    /// up from one quarter to the next; each matches the database.
    /// </summary>
    [Fact]
    public async Task Engagement_counts_say_started_active_paused_ended_and_add_up_from_quarter_to_quarter()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var end = DisclosureAttackTests.LastQuarterEnd(Today(app));
        var quarters = Enumerable.Range(0, 4).Select(i => end.AddDays(1).AddMonths(-3 * (4 - i)))
            .Select(start => (From: start, To: start.AddMonths(3).AddDays(-1))).ToList();
        var activity = new List<JsonElement>();
        foreach (var (from, _) in quarters)
        {
            activity.Add((await GetAsync(admin, $"/api/practice/outcomes?period={DisclosureAttackTests.QuarterKey(from)}")).GetProperty("overall").GetProperty("activity"));
        }

        Assert.All(activity, a => Assert.Equal(["started", "active", "paused", "ended", "sessionsHeld"], a.EnumerateObject().Select(p => p.Name).ToArray()));

        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var rows = new List<(DateOnly Started, DateOnly? Ended)>();
        await app.WithDbAsync(async db =>
        {
            var riverside = await db.Practices.Where(p => p.Name == "Riverside").Select(p => p.Id).SingleAsync(Ct);
            var all = await db.Engagements.Where(e => e.PracticeId == riverside && e.Status != EngagementStatus.Invited).Select(e => new { e.CreatedAt, e.EndedAt }).ToListAsync(Ct);
            DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, london).DateTime);
            rows = all.Select(e => (Day(e.CreatedAt), e.EndedAt is { } x ? Day(x) : (DateOnly?)null)).ToList();
        });

        var checkedSteps = 0;
        for (var i = 0; i < quarters.Count; i++)
        {
            var (from, to) = quarters[i];
            var a = activity[i];
            var openAtEnd = rows.Count(r => r.Started <= to && (r.Ended is null || r.Ended > to));
            var started = rows.Count(r => r.Started >= from && r.Started <= to);
            var ended = rows.Count(r => r.Ended >= from && r.Ended <= to);
            if (Value(a.GetProperty("active")) is { } active && Value(a.GetProperty("paused")) is { } paused)
            {
                Assert.Equal(openAtEnd, active + paused);
            }

            Assert.True(Value(a.GetProperty("started")) is null || Value(a.GetProperty("started")) == started);
            Assert.True(Value(a.GetProperty("ended")) is null || Value(a.GetProperty("ended")) == ended);
            if (i > 0 && Value(activity[i - 1].GetProperty("active")) is { } a0 && Value(activity[i - 1].GetProperty("paused")) is { } p0
                && Value(a.GetProperty("started")) is { } s1 && Value(a.GetProperty("ended")) is { } e1 && Value(a.GetProperty("active")) is { } a1 && Value(a.GetProperty("paused")) is { } p1)
            {
                Assert.Equal(a1 + p1, a0 + p0 + s1 - e1);
                checkedSteps++;
            }
        }

        Assert.True(checkedSteps > 0, "no two quarters in a row showed every engagement count");
    }

    [Fact]
    public async Task A_new_practice_with_no_engagements_gets_zeros_not_errors()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var browser = app.CreateAnonymousClient();
        using (await PageForms.SubmitAsync(browser, "/setup", "setup", new Dictionary<string, string>
        {
            ["Input.SetupCode"] = TandemApp.SetupCode,
            ["Input.PracticeName"] = "Willow Counselling",
            ["Input.TimeZone"] = "Europe/Dublin",
            ["Input.AdminName"] = "Ada Byrne",
            ["Input.AdminEmail"] = "ada@willow.test",
            ["Input.AdminPassword"] = "quiet meadow lantern 42",
        }))
        {
        }

        using var admin = await app.ClientForAsync("ada@willow.test", "quiet meadow lantern 42");
        var report = await GetAsync(admin, "/api/practice/outcomes");
        var overall = report.GetProperty("overall");
        Assert.Equal("0", Text(overall.GetProperty("finished").GetProperty("courses")));
        Assert.Equal("0", Text(overall.GetProperty("activity").GetProperty("sessionsHeld")));
        Assert.Empty(report.GetProperty("byTherapist").EnumerateArray());
        Assert.All(report.GetProperty("collaborationOverTime").EnumerateArray(), p => Assert.Equal("no data yet", Text(p.GetProperty("client"))));

        using var page = await browser.GetAsync("/practice/outcomes", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Nothing happened in this period yet", html, StringComparison.Ordinal);
        // As a word: the page's antiforgery token and component state are base64 and may hold the letters "NaN".
        Assert.DoesNotMatch(@"(?<![A-Za-z0-9+/=])NaN(?![A-Za-z0-9+/=])", html);
    }

    [GeneratedRegex(@"^(\d{1,3}%|no data yet|fewer than 5|not shown)$")]
    private static partial Regex RateText();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex DatePattern();
}
