using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

public sealed class ProgressTests
{
    [Fact]
    public async Task Sams_demo_series_shows_reliable_recovery_on_both_measures()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var progress = await sam.GetJsonAsync($"/api/engagements/{sams}/progress");
        var person = progress.GetProperty("people").EnumerateArray().Single();
        var phq = person.GetProperty("measures").EnumerateArray().Single(m => m.Str("instrumentId") == "phq-9");
        Assert.Equal(16, phq.GetProperty("series")[0].GetProperty("total").GetInt32());
        Assert.Equal(10, phq.GetProperty("caseness").GetInt32());
        Assert.Equal(5, phq.GetProperty("bands").GetArrayLength());
        Assert.Equal("Improvement", phq.Str("reliableChange"));
        Assert.Equal("ReliablyRecovered", person.GetProperty("outcome").Str("recovery"));
        Assert.NotEmpty(progress.GetProperty("collaboration")[0].GetProperty("therapist").EnumerateArray());
    }

    [Fact]
    public async Task Jordans_and_Caseys_demo_series_raise_not_on_track_and_deterioration_alerts()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        var alexAlerts = (await alex.GetJsonAsync("/api/alerts")).EnumerateArray().Select(a => a.Str("kind")).ToList();
        Assert.Contains("NotOnTrack", alexAlerts);
        var morganAlerts = (await morgan.GetJsonAsync("/api/alerts")).EnumerateArray().ToList();
        Assert.Contains(morganAlerts, a => a.Str("kind") == "Deterioration" && a.Str("rule").StartsWith("Deterioration:", StringComparison.Ordinal));
        using var lee = await app.ClientForAsync("lee@harbor.test");
        Assert.Contains((await lee.GetJsonAsync("/api/alerts")).EnumerateArray(), a => a.Str("kind") == "CollaborationConcern");
    }

    [Fact]
    public async Task A_once_schedule_is_due_until_the_client_answers()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        await sam.PostJsonAsync($"/api/engagements/{sams}/schedules", new { instrumentId = "preferences", kind = "Once" }, HttpStatusCode.NotFound);
        await alex.PostJsonAsync($"/api/engagements/{sams}/schedules", new { instrumentId = "preferences", kind = "EveryNWeeks" }, HttpStatusCode.UnprocessableEntity);
        await alex.PostJsonAsync($"/api/engagements/{sams}/schedules", new { instrumentId = "preferences", kind = "Once" }, HttpStatusCode.Created);

        Assert.Contains((await sam.GetJsonAsync("/api/me/due")).EnumerateArray(), d => d.Str("instrumentId") == "preferences");
        await sam.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Preferences(1), HttpStatusCode.Created);
        Assert.DoesNotContain((await sam.GetJsonAsync("/api/me/due")).EnumerateArray(), d => d.Str("instrumentId") == "preferences");

        // PHQ-9 every two weeks becomes due again two weeks after the last one.
        app.Clock.Advance(TimeSpan.FromDays(15));
        using var samLater = await app.ClientForAsync("sam@riverside.test");
        Assert.Contains((await samLater.GetJsonAsync("/api/me/due")).EnumerateArray(), d => d.Str("instrumentId") == "phq-9");
    }

    [Fact]
    public async Task The_practice_admin_sets_the_crisis_information_clients_see()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.True((await sam.GetJsonAsync("/api/practice/crisis-information")).GetProperty("isDefault").GetBoolean());

        using var notAdmin = await alex.PutAsync("/api/practice/crisis-information", System.Net.Http.Json.JsonContent.Create(new { text = "x" }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, notAdmin.StatusCode);
        using var put = await admin.PutAsync("/api/practice/crisis-information", System.Net.Http.Json.JsonContent.Create(new { text = "Call the Riverside crisis line on 0800 000 000." }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var result = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Phq9(0, 2), HttpStatusCode.Created);
        Assert.StartsWith("Call the Riverside crisis line on 0800 000 000.", result.Str("crisisInformation"));
        Assert.Contains("Your therapist has been told", result.Str("crisisInformation"));
        // One source: the practice settings page shows the same text.
        Assert.Equal("Call the Riverside crisis line on 0800 000 000.", (await sam.GetJsonAsync("/api/practice/settings")).Str("crisisInformation"));
    }

    [Fact]
    public async Task A_lone_GAD_7_at_caseness_keeps_the_paired_outcome_from_recovered()
    {
        // Issue 18 (5): PHQ-9 12 -> 4 with a single GAD-7 of 15 was reported as reliably recovered.
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", Phq9Totalling(12), HttpStatusCode.Created);
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", Gad7Totalling(15), HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", Phq9Totalling(4), HttpStatusCode.Created);

        var person = (await robin.GetJsonAsync($"/api/engagements/{id}/progress")).GetProperty("people").EnumerateArray().Single();
        var outcome = person.GetProperty("outcome");
        Assert.Equal("NotRecovered", outcome.Str("recovery"));
        Assert.True(outcome.GetProperty("caseAtEnd").GetBoolean());
    }

    /// <summary>A PHQ-9 whose items add up to <paramref name="total"/> (item 9 always 0).</summary>
    internal static object Phq9Totalling(int total) => new
    {
        instrumentId = "phq-9",
        answers = MeasureRequests.Phq9Items.Select((l, i) => new { linkId = l, value = l == "44260-8" ? 0 : Math.Clamp(total - (3 * i), 0, 3) }).ToArray(),
    };

    internal static object Gad7Totalling(int total) => new
    {
        instrumentId = "gad-7",
        answers = MeasureRequests.Gad7Items.Select((l, i) => new { linkId = l, value = Math.Clamp(total - (3 * i), 0, 3) }).ToArray(),
    };
}

public sealed class JacobsonTruaxApiTests
{
    [Fact]
    public async Task The_calculator_answers_the_hand_worked_example_and_refuses_impossible_norms()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var result = await alex.PostJsonAsync("/api/measures/jacobson-truax",
            new { meanDysfunctional = 30, sdDysfunctional = 8, meanFunctional = 10, sdFunctional = 6, reliability = 0.84, first = 32, latest = 16 }, HttpStatusCode.OK);
        Assert.Equal(-3.5355, result.GetProperty("reliableChangeIndex").GetDouble(), 4);
        Assert.Equal(18.5714, result.GetProperty("cutOffC").GetDouble(), 4);
        Assert.Equal("Recovered", result.Str("outcome"));

        await alex.PostJsonAsync("/api/measures/jacobson-truax",
            new { meanDysfunctional = 30, sdDysfunctional = 8, meanFunctional = 10, sdFunctional = 6, reliability = 1, first = 32, latest = 16 }, HttpStatusCode.BadRequest);
        await alex.PostJsonAsync("/api/measures/jacobson-truax",
            new { meanDysfunctional = 30, sdDysfunctional = 0, meanFunctional = 10, sdFunctional = 6, reliability = 0.8, first = 32, latest = 16 }, HttpStatusCode.BadRequest);
    }
}
