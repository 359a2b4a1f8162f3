using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Insights;

/// <summary>
/// The practice outcome report over the demo with Riverside's former clients: who sees what,
/// that the figures match the database, that nothing crosses practices or names anyone, and
/// that empty or thin periods give clear answers instead of NaN.
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

    private static string Text(JsonElement figure) => figure.GetProperty("text").GetString()!;

    private static int? Value(JsonElement figure) => figure.GetProperty("value").ValueKind == JsonValueKind.Null ? null : figure.GetProperty("value").GetInt32();

    [Fact]
    public async Task The_admin_sees_the_whole_practice_matching_the_database_without_any_names()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var report = await GetAsync(admin, "/api/practice/outcomes");
        var overall = report.GetProperty("overall");

        // Expected from the database: Riverside clients of engagements open in the last 12 months, sessions held.
        var to = DateOnly.Parse(report.GetProperty("to").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        int clients = 0, sessions = 0;
        var names = new List<string>();
        await app.WithDbAsync(async db =>
        {
            var riverside = await db.Practices.Where(p => p.Name == "Riverside").Select(p => p.Id).SingleAsync(Ct);
            var since = app.Clock.GetUtcNow().AddMonths(-12).AddDays(-2);
            var open = db.Engagements.Where(e => e.PracticeId == riverside && e.Status != EngagementStatus.Invited && (e.EndedAt == null || e.EndedAt >= since));
            clients = await db.Participants.Where(p => p.Role == ParticipantRole.Client && open.Any(e => e.Id == p.EngagementId)).Select(p => p.UserId).Distinct().CountAsync(Ct);
            var held = await db.Set<Session>().Where(s => s.PracticeId == riverside && s.Status == SessionStatus.Completed).Select(s => s.StartsAt).ToListAsync(Ct);
            sessions = held.Count(s => s >= since);
            names = await db.Users.Where(u => u.PracticeId == riverside && u.Role == Tandem.Features.Accounts.PersonRole.Client).Select(u => u.DisplayName + "|" + u.Email).ToListAsync(Ct);
        });

        Assert.Equal("practice", report.GetProperty("scope").GetString());
        Assert.False(overall.GetProperty("suppressed").GetBoolean());
        Assert.Equal(clients, Value(overall.GetProperty("people")));
        Assert.True(clients >= 25, $"the demo has {clients} Riverside clients in the year");
        // Sessions near the edge of the period may fall either side of a day boundary.
        Assert.InRange(Value(overall.GetProperty("sessionsHeld"))!.Value, sessions - 5, sessions + 5);

        var phq = overall.GetProperty("measures")[0];
        Assert.Equal("phq-9", phq.GetProperty("key").GetString());
        foreach (var rate in new[] { "reliableImprovement", "recovery", "reliableRecovery", "reliableDeterioration" })
        {
            var share = phq.GetProperty(rate).GetProperty("value").GetDouble();
            Assert.InRange(share, 0, 1);
        }

        Assert.InRange(phq.GetProperty("effectSize").GetProperty("d").GetDouble(), 0.2, 3);
        Assert.Matches(DPattern(), Text(phq.GetProperty("effectSize")));

        var therapists = report.GetProperty("byTherapist").EnumerateArray().Select(t => t.GetProperty("label").GetString()).ToList();
        Assert.Equal(["Alex Rivera", "Morgan Chen"], therapists);
        var formats = report.GetProperty("byFormat").EnumerateArray().Select(f => Value(f.GetProperty("people")) ?? 0).Sum();
        Assert.Equal(clients, formats);

        var raw = report.GetRawText();
        foreach (var person in names)
        {
            var parts = person.Split('|');
            Assert.DoesNotContain(parts[0], raw, StringComparison.Ordinal);
            Assert.DoesNotContain(parts[1], raw, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotMatch(GuidPattern(), raw.Replace(report.GetProperty("byTherapist")[0].GetProperty("key").GetString()!, "", StringComparison.Ordinal)
            .Replace(report.GetProperty("byTherapist")[1].GetProperty("key").GetString()!, "", StringComparison.Ordinal));

        // The read is audited, without clinical content.
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.AnyAsync(a => a.ObjectType == "OutcomeReport" && a.ObjectId == "practice", Ct)));
    }

    [Fact]
    public async Task A_therapist_sees_only_their_own_caseload_and_it_equals_their_row_in_the_admin_report()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var practice = await GetAsync(admin, "/api/practice/outcomes");
        var own = await GetAsync(alex, "/api/practice/outcomes");

        int alexClients = 0;
        await app.WithDbAsync(async db =>
        {
            var alexId = await db.Users.Where(u => u.Email == "alex@riverside.test").Select(u => u.Id).SingleAsync(Ct);
            var engagements = db.Participants.Where(p => p.UserId == alexId && p.Role == ParticipantRole.Therapist).Select(p => p.EngagementId);
            alexClients = await db.Participants.Where(p => p.Role == ParticipantRole.Client && engagements.Contains(p.EngagementId)).Select(p => p.UserId).Distinct().CountAsync(Ct);
        });

        Assert.Equal("caseload", own.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("byTherapist").ValueKind);
        var overall = own.GetProperty("overall");
        Assert.Equal(alexClients, Value(overall.GetProperty("people")));
        var alexRow = practice.GetProperty("byTherapist").EnumerateArray().Single(t => t.GetProperty("label").GetString() == "Alex Rivera");
        foreach (var figure in new[] { "people", "sessionsHeld", "started", "ended" })
        {
            Assert.Equal(Value(alexRow.GetProperty(figure)), Value(overall.GetProperty(figure)));
        }

        Assert.Equal(alexRow.GetProperty("measures")[0].GetProperty("reliableImprovement").GetRawText(), overall.GetProperty("measures")[0].GetProperty("reliableImprovement").GetRawText());
        Assert.True(Value(practice.GetProperty("overall").GetProperty("people")) > alexClients);
    }

    [Fact]
    public async Task Another_practice_never_counts_and_a_small_practice_shows_fewer_than_5()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var harbor = await app.ClientForAsync("admin@harbor.test");
        using var lee = await app.ClientForAsync("lee@harbor.test");

        foreach (var client in new[] { harbor, lee })
        {
            var report = await GetAsync(client, "/api/practice/outcomes");
            var overall = report.GetProperty("overall");
            // Harbor has one client: every figure is suppressed, none of Riverside's 29 people leak in.
            Assert.True(overall.GetProperty("suppressed").GetBoolean());
            Assert.Equal("fewer than 5", Text(overall.GetProperty("people")));
            Assert.Equal("fewer than 5", Text(overall.GetProperty("measures")[0].GetProperty("reliableImprovement")));
            Assert.All(report.GetProperty("collaborationOverTime").EnumerateArray(), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("client").GetProperty("value").ValueKind));
        }

        using var csv = await harbor.GetAsync("/api/practice/outcomes.csv", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, csv.StatusCode);
        Assert.Contains("fewer than 5 people", await csv.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
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
    public async Task The_csv_is_de_identified_one_row_per_client_and_engagement()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var response = await admin.GetAsync("/api/practice/outcomes.csv", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var csv = await response.Content.ReadAsStringAsync(Ct);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = await GetAsync(admin, "/api/practice/outcomes");

        var pairs = 0;
        var people = new List<string>();
        await app.WithDbAsync(async db =>
        {
            var riverside = await db.Practices.Where(p => p.Name == "Riverside").Select(p => p.Id).SingleAsync(Ct);
            var since = app.Clock.GetUtcNow().AddMonths(-12);
            var open = db.Engagements.Where(e => e.PracticeId == riverside && e.Status != EngagementStatus.Invited && (e.EndedAt == null || e.EndedAt >= since));
            pairs = await db.Participants.CountAsync(p => p.Role == ParticipantRole.Client && open.Any(e => e.Id == p.EngagementId), Ct);
            var users = await db.Users.Where(u => u.PracticeId == riverside).Select(u => new { u.DisplayName, u.Email }).ToListAsync(Ct);
            people = users.SelectMany(u => new[] { u.DisplayName, u.Email! }).ToList();
        });

        Assert.StartsWith("row,format,therapists,started_quarter", lines[0], StringComparison.Ordinal);
        Assert.Equal(pairs, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Equal(lines[0].Split(',').Length, l.Split(',').Length));
        Assert.DoesNotMatch(GuidPattern(), csv);
        Assert.DoesNotMatch(DatePattern(), csv);
        Assert.All(people, p => Assert.DoesNotContain(p, csv, StringComparison.OrdinalIgnoreCase));
        Assert.Matches(QuarterPattern(), lines[1]);
        Assert.True(Value(json.GetProperty("overall").GetProperty("people")) >= 5);
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.AnyAsync(a => a.ObjectType == "OutcomeReportCsv" && a.Purpose == AuditPurposes.Export, Ct)));
    }

    [Fact]
    public async Task Periods_with_nothing_or_one_measurement_each_give_clear_figures_and_bad_periods_clear_errors()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");

        // Long before Tandem: nothing open.
        var empty = await GetAsync(admin, "/api/practice/outcomes?from=2001-01-01&to=2001-12-31");
        Assert.Equal("0", Text(empty.GetProperty("overall").GetProperty("active")));
        Assert.Equal("0", Text(empty.GetProperty("overall").GetProperty("people")));
        Assert.Equal("no data yet", Text(empty.GetProperty("overall").GetProperty("measures")[0].GetProperty("reliableImprovement")));
        Assert.Equal("no data yet", Text(empty.GetProperty("overall").GetProperty("dropout")));
        Assert.Equal(12, empty.GetProperty("collaborationOverTime").GetArrayLength());

        // Ten days: measures come every two weeks, so nobody has two PHQ-9 scores.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var thin = await GetAsync(admin, $"/api/practice/outcomes?from={today.AddDays(-60):yyyy-MM-dd}&to={today.AddDays(-51):yyyy-MM-dd}");
        var overall = thin.GetProperty("overall");
        Assert.True(Value(overall.GetProperty("active")) > 5);
        Assert.Equal("0", Text(overall.GetProperty("measures")[0].GetProperty("people")));
        Assert.Equal("no data yet", Text(overall.GetProperty("measures")[0].GetProperty("recovery")));
        Assert.Equal("no data yet", Text(overall.GetProperty("measures")[0].GetProperty("effectSize")));
        Assert.Equal("no data yet", Text(overall.GetProperty("measures")[2].GetProperty("reliableImprovement")));

        using var backwards = await admin.GetAsync("/api/practice/outcomes?from=2026-10-01&to=2026-01-01", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backwards.StatusCode);
        Assert.Contains("The start of the period is after its end.", await backwards.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var malformed = await admin.GetAsync("/api/practice/outcomes?from=2026-13-01", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using var tooLong = await admin.GetAsync("/api/practice/outcomes?from=2001-01-01&to=2026-01-01", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
    }

    [Fact]
    public async Task A_new_practice_with_no_engagements_gets_zeros_not_errors()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var browser = app.CreateAnonymousClient();
        using (await PageForms.SubmitAsync(browser, "/setup", "setup", new Dictionary<string, string>
        {
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
        Assert.Equal("0", Text(overall.GetProperty("people")));
        Assert.Equal("0", Text(overall.GetProperty("sessionsHeld")));
        Assert.Empty(report.GetProperty("byTherapist").EnumerateArray());
        Assert.All(report.GetProperty("collaborationOverTime").EnumerateArray(), p => Assert.Equal("no data yet", Text(p.GetProperty("client"))));

        using var page = await browser.GetAsync("/practice/outcomes", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("No engagements were open in this period", html, StringComparison.Ordinal);
        // As a word: the page's antiforgery token and component state are base64 and may hold the letters "NaN".
        Assert.DoesNotMatch(@"(?<![A-Za-z0-9+/=])NaN(?![A-Za-z0-9+/=])", html);
    }

    [GeneratedRegex(@"^-?\d+\.\d\d \(95% CI -?\d+\.\d\d to -?\d+\.\d\d\)$")]
    private static partial Regex DPattern();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@",\d{4}-Q[1-4],")]
    private static partial Regex QuarterPattern();
}
