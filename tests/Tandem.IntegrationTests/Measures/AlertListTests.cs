using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Scoring;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

/// <summary>Issue 18 (3, 8): risk is never cut from a list, alerts close themselves when they stop meaning anything, and an acknowledgement can be undone for a minute.</summary>
public sealed class AlertListTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Risk_alerts_stay_first_and_whole_with_hundreds_of_open_alerts_and_paging_reaches_every_alert()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var samId = await Accounts.SignInTests.IdOf(app, "sam@riverside.test");
        var riskIds = new List<Guid>();
        await app.WithDbAsync(async db =>
        {
            var practiceId = (await db.Engagements.SingleAsync(e => e.Id == sams, Ct)).PracticeId;
            var start = app.Clock.GetUtcNow().AddDays(-30);
            // Three risk alerts raised first (the oldest), then 260 others, newer.
            for (var i = 0; i < 3; i++)
            {
                var risk = MeasureAlert.Raise(practiceId, sams, samId, "phq-9", AlertKind.Risk, "Risk: test " + i, start.AddMinutes(i));
                riskIds.Add(risk.Id);
                db.Add(risk);
            }

            for (var i = 0; i < 260; i++)
            {
                db.Add(MeasureAlert.Raise(practiceId, sams, samId, "gad-7", AlertKind.NotOnTrack, "Not on track: test " + i, start.AddHours(1).AddMinutes(i)));
            }

            await db.SaveChangesAsync(Ct);
        });

        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var first = await alex.GetAsync("/api/alerts", Ct);
        var page = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray().ToList();
        var total = int.Parse(first.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var riskCount = int.Parse(first.Headers.GetValues("X-Risk-Count").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total >= 263, $"total {total}");
        Assert.True(riskCount >= 3);
        // Every open risk alert is on the first page, before any other alert.
        Assert.Equal(riskCount, page.TakeWhile(a => a.Str("kind") == "Risk").Count());
        Assert.All(riskIds, id => Assert.Contains(page, a => a.Id() == id));

        // Following rel="next" reaches every open alert exactly once.
        var seen = page.Select(a => a.Id()).ToList();
        var next = first.Headers.TryGetValues("Link", out var link) ? link.Single() : null;
        while (next is not null)
        {
            var url = next[(next.IndexOf('<') + 1)..next.IndexOf('>')];
            using var more = await alex.GetAsync(url, Ct);
            seen.AddRange(JsonDocument.Parse(await more.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray().Select(a => a.Id()));
            next = more.Headers.TryGetValues("Link", out var l) ? l.Single() : null;
        }

        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());

        // The home card counts in the database: it names the risk count whatever the number of alerts.
        using var pages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(pages, "alex@riverside.test"))
        {
        }

        var home = await pages.GetStringAsync("/", Ct);
        Assert.Contains($"{total} open alerts</strong>, {riskCount} about risk", home, StringComparison.Ordinal);

        // The list is a read of each client's alerts: it is in that client's engagement's audit, for Sam.
        await app.WithDbAsync(async db => Assert.True(await AuditReads.CountAsync(db, "MeasureAlertList", sams, samId, ct: Ct) > 0));
    }

    [Fact]
    public async Task Todays_alert_card_names_eight_clients_and_records_a_read_for_those_it_names_only()
    {
        await using var app = await TandemApp.StartAsync();
        var morganId = await Accounts.SignInTests.IdOf(app, "morgan@riverside.test");
        var joined = new List<Guid>();
        for (var i = 1; i <= 10; i++)
        {
            var (id, client) = await NewClient.JoinAsync(app, "morgan@riverside.test", displayName: $"Quinn {i:00}");
            client.Dispose();
            joined.Add(id);
        }

        await app.WithDbAsync(async db =>
        {
            foreach (var id in joined)
            {
                var engagement = await db.Engagements.Include(e => e.Participants).SingleAsync(e => e.Id == id, Ct);
                db.Add(MeasureAlert.Raise(engagement.PracticeId, id, engagement.Clients.Single().UserId, "phq-9", AlertKind.Risk, "Risk: test", app.Clock.GetUtcNow()));
            }

            await db.SaveChangesAsync(Ct);
        });

        using var pages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(pages, "morgan@riverside.test"))
        {
        }

        var home = await pages.GetStringAsync("/", Ct);
        var named = System.Text.RegularExpressions.Regex.Matches(home, "<a href=\"alerts\\?client=([0-9a-f-]{36})\">")
            .Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(AlertSummary.Named, named.Count);
        await app.WithDbAsync(async db =>
        {
            var mine = await db.Participants.Where(p => p.UserId == morganId && p.LeftAt == null).Select(p => p.EngagementId).ToListAsync(Ct);
            var clients = await db.Set<MeasureAlert>().Where(a => a.AcknowledgedAt == null && a.ClosedAt == null && mine.Contains(a.EngagementId))
                .Select(a => new { a.SubjectUserId, a.EngagementId }).Distinct().CountAsync(Ct);
            Assert.True(clients >= 10, $"{clients} clients with open alerts");
            Assert.Contains($"And {clients - AlertSummary.Named} more clients.", home, StringComparison.Ordinal);

            // The card's read is in the access log of each client it named, and of nobody it only counted.
            var recorded = await AuditReads.SubjectsAsync(db, "MeasureAlertSummary", morganId, Ct);
            Assert.Equal(named.Order(), recorded.Order());
        });
    }

    [Fact]
    public async Task Not_on_track_closes_itself_with_a_reason_when_a_later_score_shows_reliable_improvement()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");
        foreach (var total in new[] { 14, 13, 14, 12 })
        {
            await robin.PostJsonAsync($"/api/engagements/{id}/responses", ProgressTests.Phq9Totalling(total), HttpStatusCode.Created);
            app.Clock.Advance(TimeSpan.FromMinutes(2));
        }

        Assert.Contains(await OpenOfAsync(alex, id), a => a.Str("kind") == "NotOnTrack");
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", ProgressTests.Phq9Totalling(7), HttpStatusCode.Created);

        Assert.DoesNotContain(await OpenOfAsync(alex, id), a => a.Str("kind") == "NotOnTrack");
        var closed = Assert.Single((await alex.GetJsonAsync("/api/alerts/recently-closed")).EnumerateArray(), a => a.GetProperty("engagementId").GetGuid() == id);
        Assert.Contains("reliable improvement", closed.Str("closedReason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ending_an_engagement_closes_its_alerts_about_the_work_but_keeps_its_risk_alert_listed()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");
        foreach (var total in new[] { 14, 13, 14, 12 })
        {
            await robin.PostJsonAsync($"/api/engagements/{id}/responses", ProgressTests.Phq9Totalling(total), HttpStatusCode.Created);
            app.Clock.Advance(TimeSpan.FromMinutes(2));
        }

        await robin.PostJsonAsync($"/api/engagements/{id}/responses", MeasureRequests.Phq9(each: 1, item9: 1), HttpStatusCode.Created);
        await alex.PostJsonAsync($"/api/engagements/{id}/end", null, HttpStatusCode.OK);

        var open = await OpenOfAsync(alex, id);
        Assert.Equal(["Risk"], open.Select(a => a.Str("kind")).ToArray());
        var closed = Assert.Single((await alex.GetJsonAsync("/api/alerts/recently-closed")).EnumerateArray(), a => a.GetProperty("engagementId").GetGuid() == id);
        Assert.Equal("NotOnTrack", closed.Str("kind"));
        Assert.Contains("the engagement ended", closed.Str("closedReason"), StringComparison.Ordinal);
        await app.WithDbAsync(async db => Assert.Equal(EngagementStatus.Ended, (await db.Engagements.SingleAsync(e => e.Id == id, Ct)).Status));
    }

    [Fact]
    public async Task An_acknowledgement_can_be_undone_by_its_author_for_a_minute()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", MeasureRequests.Phq9(each: 1, item9: 2), HttpStatusCode.Created);
        var alert = Assert.Single(await OpenOfAsync(alex, id));

        var acknowledged = await alex.PostJsonAsync($"/api/alerts/{alert.Id()}/acknowledge", null, HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, acknowledged.GetProperty("acknowledgedAt").ValueKind);
        Assert.Empty(await OpenOfAsync(alex, id));
        app.Clock.Advance(TimeSpan.FromSeconds(50));
        await alex.PostJsonAsync($"/api/alerts/{alert.Id()}/undo-acknowledge", null, HttpStatusCode.OK);
        Assert.Single(await OpenOfAsync(alex, id));

        await alex.PostJsonAsync($"/api/alerts/{alert.Id()}/acknowledge", null, HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var late = await alex.PostJsonAsync($"/api/alerts/{alert.Id()}/undo-acknowledge", null, HttpStatusCode.Conflict);
        Assert.Contains("for a minute", late.Str("title"), StringComparison.Ordinal);
        Assert.Empty(await OpenOfAsync(alex, id));
    }

    private static async Task<List<JsonElement>> OpenOfAsync(HttpClient therapist, Guid engagementId) =>
        (await therapist.GetJsonAsync($"/api/alerts?includeEnded=true")).EnumerateArray().Where(a => a.GetProperty("engagementId").GetGuid() == engagementId).ToList();
}
