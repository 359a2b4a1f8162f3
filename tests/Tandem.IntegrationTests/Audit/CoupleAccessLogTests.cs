using System.Net;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// Issue 22, couples and families: what one partner looks at is theirs; the therapist's reads
/// are shown to each person whose data was read; goal ratings say whose they are; the access
/// log leaves the viewer's own visits out unless asked, and sums the week up in a sentence.
/// </summary>
public sealed class CoupleAccessLogTests
{
    [Fact]
    public async Task A_partners_page_views_are_not_in_the_other_partners_access_log_but_the_therapists_are()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");

        await avery.GetJsonAsync($"/api/engagements/{couple}/plan");
        await avery.GetJsonAsync($"/api/engagements/{couple}/progress");
        await avery.PostJsonAsync($"/api/engagements/{couple}/proposals", new { kind = "AddQuestion", text = "What does a good Sunday look like for us?" }, HttpStatusCode.Created);
        await morgan.GetJsonAsync($"/api/engagements/{couple}/plan");
        await morgan.GetJsonAsync($"/api/engagements/{couple}/plan");

        var rileys = await riley.GetJsonAsync($"/api/engagements/{couple}/access-log?take=500");
        var averyReads = rileys.EnumerateArray().Where(e => e.Str("who") == "Avery Brooks" && e.Str("action") == "Read").Select(e => e.Str("sentence")).ToList();
        Assert.True(averyReads.Count == 0, "Riley sees Avery's page views: " + string.Join("; ", averyReads));
        Assert.Contains(rileys.EnumerateArray(), e => e.Str("sentence") == "Morgan Chen opened the plan");
        // What Avery changes is part of the shared record's history: still shown.
        Assert.Contains(rileys.EnumerateArray(), e => e.Str("who") == "Avery Brooks" && e.Str("action") == "Create");

        // Avery's own log still has Avery's own visits, as "You".
        var averys = await avery.GetJsonAsync($"/api/engagements/{couple}/access-log?take=500");
        Assert.Contains(averys.EnumerateArray(), e => e.Str("sentence") == "You opened the plan");
        Assert.Contains(averys.EnumerateArray(), e => e.Str("sentence") == "Morgan Chen opened the plan");

        // The therapist sees everyone's visits.
        var morgans = await morgan.GetJsonAsync($"/api/engagements/{couple}/access-log?take=500");
        Assert.Contains(morgans.EnumerateArray(), e => e.Str("sentence") == "Avery Brooks opened the plan");
    }

    [Fact]
    public async Task Goal_ratings_say_whose_they_are()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        var goal = (await morgan.GetJsonAsync($"/api/engagements/{couple}/plan")).GetProperty("goals").EnumerateArray().First(g => g.Str("status") == "Agreed").Id();

        await riley.PostJsonAsync($"/api/engagements/{couple}/goals/{goal}/ratings", new { value = 7 }, HttpStatusCode.Created);
        var averysRating = await avery.PostJsonAsync($"/api/engagements/{couple}/goals/{goal}/ratings", new { value = 3 }, HttpStatusCode.Created);
        Assert.Equal("Avery Brooks", averysRating.Str("raterName"));

        var plan = await morgan.GetJsonAsync($"/api/engagements/{couple}/plan");
        var rated = plan.GetProperty("goals").EnumerateArray().Single(g => g.Id() == goal);
        Assert.Equal("Avery Brooks", rated.GetProperty("latestRating").Str("raterName"));
        var latestByName = rated.GetProperty("ratings").EnumerateArray()
            .GroupBy(r => r.Str("raterName"))
            .ToDictionary(g => g.Key, g => g.Last().GetProperty("value").GetInt32());
        Assert.Equal(7, latestByName["Riley Brooks"]);
        Assert.Equal(3, latestByName["Avery Brooks"]);
        Assert.DoesNotContain("", latestByName.Keys);
    }

    [Fact]
    public async Task The_log_can_leave_out_my_own_visits_and_sums_up_the_week_in_one_sentence()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var samId = (await sam.GetJsonAsync("/api/me")).Id();
        var before = await SummaryAsync(sam, sams);

        for (var i = 0; i < 3; i++)
        {
            await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        }

        var sessions = await alex.GetJsonAsync($"/api/engagements/{sams}/sessions");
        var withNote = sessions.EnumerateArray().First(s => s.GetProperty("startsAt").GetDateTimeOffset() < DateTimeOffset.UtcNow).Id();
        await alex.GetJsonAsync($"/api/sessions/{withNote}/note");
        await alex.GetJsonAsync($"/api/sessions/{withNote}/note");
        await sam.GetJsonAsync($"/api/engagements/{sams}/plan");

        var others = await sam.GetJsonAsync($"/api/engagements/{sams}/access-log?others=true&take=500");
        Assert.NotEmpty(others.EnumerateArray());
        Assert.DoesNotContain(others.EnumerateArray(), e => e.Str("who") == "You");
        var all = await sam.GetJsonAsync($"/api/engagements/{sams}/access-log?take=500");
        Assert.Contains(all.EnumerateArray(), e => e.Str("who") == "You");

        var summary = await SummaryAsync(sam, sams);
        Assert.Equal(Count(before, "Alex Rivera", "plan") + 3, Count(summary, "Alex Rivera", "plan"));
        Assert.Equal(Count(before, "Alex Rivera", "session notes") + 2, Count(summary, "Alex Rivera", "session notes"));
        Assert.DoesNotContain(summary.GetProperty("people").EnumerateArray(), p => p.GetProperty("userId").GetGuid() == samId);
        Assert.Matches(@"^This week Alex opened your plan \d+ times, .*your session notes (twice|\d+ times)", summary.Str("sentence"));
    }

    private static Task<JsonElement> SummaryAsync(HttpClient client, Guid engagement) =>
        client.GetJsonAsync($"/api/engagements/{engagement}/access-log/summary");

    private static int Count(JsonElement summary, string name, string what) =>
        summary.GetProperty("people").EnumerateArray().Where(p => p.Str("name") == name)
            .SelectMany(p => p.GetProperty("items").EnumerateArray())
            .Where(i => i.Str("what") == what).Select(i => i.GetProperty("count").GetInt32()).FirstOrDefault();
}
