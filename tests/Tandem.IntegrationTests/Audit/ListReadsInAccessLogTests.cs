using System.Net;
using Tandem.IntegrationTests.Measures;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// Issue 19, finding 10: a list that shows several clients' data (the alerts, the sessions
/// schedule, the caseload and home pages, the admin's engagement list) is a read of each of those
/// clients' records, so it leaves one entry per engagement shown and each client finds it in their
/// own access log; a partner in a couple never sees an entry about the other partner's alert.
/// </summary>
public sealed class ListReadsInAccessLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_therapist_opening_the_alerts_and_the_sessions_list_shows_in_each_clients_access_log()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var jordans = await Demo.JordansEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        await sam.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Phq9(1, item9: 1), HttpStatusCode.Created);
        await jordan.PostJsonAsync($"/api/engagements/{jordans}/responses", MeasureRequests.Phq9(2, item9: 1), HttpStatusCode.Created);

        // The API lists, then the same lists as pages.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var alexId = (await alex.GetJsonAsync("/api/me")).Id();
        await alex.GetJsonAsync("/api/alerts");
        await alex.GetJsonAsync("/api/sessions");
        using var browser = await Security.CrossSiteTests.CookieClientAsync(app, "alex@riverside.test");
        foreach (var page in new[] { "/alerts", "/sessions" })
        {
            using var response = await browser.GetAsync(page, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var (client, engagement) in new[] { (sam, sams), (jordan, jordans) })
        {
            var log = await client.GetJsonAsync($"/api/engagements/{engagement}/access-log?who={alexId}&kind=read&take=500");
            var sentences = log.EnumerateArray().Select(e => e.Str("sentence")).ToList();
            Assert.True(sentences.Count(s => s == "Alex Rivera opened the alerts") >= 2, $"the alerts list is not in the access log of {engagement}:\n" + string.Join('\n', sentences));
            Assert.True(sentences.Count(s => s == "Alex Rivera opened the sessions") >= 2, $"the sessions list is not in the access log of {engagement}:\n" + string.Join('\n', sentences));
        }
    }

    [Fact]
    public async Task The_admins_engagement_list_shows_in_the_clients_access_log_by_name_and_a_partners_alert_only_in_theirs()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        await riley.PostJsonAsync($"/api/engagements/{couple}/responses", MeasureRequests.Phq9(1, item9: 1), HttpStatusCode.Created);
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        var averyId = (await avery.GetJsonAsync("/api/me")).Id();
        foreach (var alert in (await morgan.GetJsonAsync("/api/alerts")).EnumerateArray().Where(a => a.GetProperty("subjectUserId").GetGuid() == averyId))
        {
            // Only Riley's alert stays open.
            await morgan.PostJsonAsync($"/api/alerts/{alert.Id()}/acknowledge", null, HttpStatusCode.OK);
        }

        async Task<(int Riley, int Avery)> AlertReadsAsync()
        {
            int Count(System.Text.Json.JsonElement log) => log.EnumerateArray().Count(e => e.Str("sentence") == "Morgan Chen opened the alerts");
            return (Count(await riley.GetJsonAsync($"/api/engagements/{couple}/access-log?take=500")), Count(await avery.GetJsonAsync($"/api/engagements/{couple}/access-log?take=500")));
        }

        var before = await AlertReadsAsync();
        await morgan.GetJsonAsync("/api/alerts");
        var after = await AlertReadsAsync();
        Assert.Equal(before.Riley + 1, after.Riley);
        Assert.Equal(before.Avery, after.Avery);

        using var admin = await app.ClientForAsync("admin@riverside.test");
        await admin.GetJsonAsync("/api/practice/engagements");
        var rileys = (await riley.GetJsonAsync($"/api/engagements/{couple}/access-log?take=500")).EnumerateArray().Select(e => e.Str("sentence")).ToList();
        Assert.Contains(rileys, s => s.StartsWith("Dana Whitfield opened", StringComparison.Ordinal) && s.Contains("list of engagements", StringComparison.Ordinal));
        Assert.DoesNotContain(rileys, s => s.StartsWith("Someone without access opened", StringComparison.Ordinal));
    }
}
