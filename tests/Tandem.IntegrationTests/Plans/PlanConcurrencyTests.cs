using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Plans;

/// <summary>QUALITY.md R2: concurrent edits never lose an update; stale writes get 412, missing If-Match 428.</summary>
[Trait("Suite", "Reliability")]
public sealed partial class PlanConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rounds_of_four_editors_changing_the_focus_at_once_lose_no_update()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");

        // Both partners may edit the focus directly only in a client-led engagement: agree to switch first.
        var format = await riley.PostJsonAsync($"/api/engagements/{couple}/format", new { format = "ClientLed" }, HttpStatusCode.Created);
        await avery.PostJsonAsync($"/api/proposals/{format.Id()}/accept", null, HttpStatusCode.OK);
        await morgan.PostJsonAsync($"/api/proposals/{format.Id()}/accept", null, HttpStatusCode.OK);

        // Each partner on two devices (each its own sign-in): four editors of one plan.
        using var rileyPhone = await app.ClientForAsync("riley@riverside.test");
        using var averyPhone = await app.ClientForAsync("avery@riverside.test");
        var editors = new (string Name, HttpClient Client)[] { ("riley", riley), ("riley-phone", rileyPhone), ("avery", avery), ("avery-phone", averyPhone) };

        var ok = 0;
        var stale = 0;
        var rounds = Figures.FullMode ? 2000 : 500;
        var accepted = new List<string>();
        var refused = new List<string>();
        string? previous = null;
        for (var round = 0; round < rounds; round++)
        {
            var plan = await riley.GetJsonAsync($"/api/engagements/{couple}/plan");
            if (previous is not null)
            {
                // The accepted change of the last round is what everyone reads now.
                Assert.Equal(previous, plan.Str("focus"));
            }

            var version = plan.GetProperty("version").GetInt32();
            var texts = editors.Select(e => $"[{round}:{e.Name}]").ToArray();
            var results = await Task.WhenAll(editors.Select((e, i) => Task.Run(() => PutAsync(e.Client, couple, texts[i], version), Ct)));
            Assert.All(results, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.PreconditionFailed, $"round {round}: {s}"));
            Assert.Equal(1, results.Count(s => s == HttpStatusCode.OK));
            ok += results.Count(s => s == HttpStatusCode.OK);
            stale += results.Count(s => s == HttpStatusCode.PreconditionFailed);
            previous = texts[Array.IndexOf(results, HttpStatusCode.OK)];
            accepted.Add(previous);
            refused.AddRange(texts.Where(t => t != previous));
        }

        Assert.Equal(previous, (await riley.GetJsonAsync($"/api/engagements/{couple}/plan")).Str("focus"));
        List<string> snapshots = [];
        await app.WithDbAsync(async db => snapshots = await db.Set<Tandem.Features.Plans.PlanVersion>()
            .Where(v => v.EngagementId == couple).Select(v => v.Snapshot).ToListAsync(Ct));
        // Every acknowledged change is a version of its own in the history; no refused one is anywhere.
        var inHistory = snapshots.SelectMany(s => FocusMarker().Matches(s).Select(m => m.Value))
            .GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        var lost = accepted.Count(text => inHistory.GetValueOrDefault(text) != 1);
        Assert.Equal(0, lost);
        Assert.DoesNotContain(refused, inHistory.ContainsKey);
        Assert.Equal(rounds, ok);
        Assert.Equal(rounds * (editors.Length - 1), stale);
        Figures.Print($"concurrent edits: {rounds} rounds of {editors.Length} editors on one plan, {ok} changes accepted, {stale} stale writes refused with 412, {lost} lost updates");
    }

    [Fact]
    public async Task Without_If_Match_the_edit_is_refused_with_428_and_with_a_stale_one_412()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var missing = await sam.PutAsJsonAsync($"/api/engagements/{sams}/plan", new { focus = "x" }, Ct);
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, await PutAsync(sam, sams, "y", 0));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await PutRawAsync(sam, sams, "y", "\"garbage\""));
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var version = (await alex.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("version").GetInt32();
        // A therapist in a client-led engagement proposes instead of editing directly.
        Assert.Equal(HttpStatusCode.Conflict, await PutAsync(alex, sams, "z", version));
    }

    private static Task<HttpStatusCode> PutAsync(HttpClient client, Guid engagement, string focus, int version) =>
        PutRawAsync(client, engagement, focus, $"\"{version.ToString(CultureInfo.InvariantCulture)}\"");

    private static async Task<HttpStatusCode> PutRawAsync(HttpClient client, Guid engagement, string focus, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/engagements/{engagement}/plan") { Content = JsonContent.Create(new { focus }) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    [GeneratedRegex(@"\[\d+:[a-z-]+\]")]
    private static partial Regex FocusMarker();
}
