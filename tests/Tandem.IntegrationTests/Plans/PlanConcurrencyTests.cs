using System.Net.Http.Json;
using System.Globalization;
using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Plans;

/// <summary>QUALITY.md R2: concurrent edits never lose an update; stale writes get 412, missing If-Match 428.</summary>
public sealed class PlanConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_thousand_rounds_of_two_people_editing_the_focus_at_once_lose_nothing()
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

        var ok = 0;
        var stale = 0;
        const int rounds = 1000;
        for (var round = 0; round < rounds; round++)
        {
            var version = (await riley.GetJsonAsync($"/api/engagements/{couple}/plan")).GetProperty("version").GetInt32();
            var results = await Task.WhenAll(
                PutAsync(riley, couple, $"riley {round}", version),
                PutAsync(avery, couple, $"avery {round}", version));
            ok += results.Count(s => s == HttpStatusCode.OK);
            stale += results.Count(s => s == HttpStatusCode.PreconditionFailed);
            Assert.All(results, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.PreconditionFailed, $"round {round}: {s}"));
            Assert.Equal(1, results.Count(s => s == HttpStatusCode.OK));
        }

        var final = await riley.GetJsonAsync($"/api/engagements/{couple}/plan");
        var focusChanges = 0;
        await app.WithDbAsync(async db => focusChanges = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.Set<Tandem.Features.Plans.PlanVersion>(), v => v.EngagementId == couple && v.Changes.Contains("Focus changed"), Ct));
        Assert.Equal(rounds, ok);
        Assert.Equal(rounds, stale);
        // Every acknowledged write is a version of its own: none was silently overwritten.
        Assert.True(focusChanges >= rounds, $"{focusChanges} focus versions for {rounds} acknowledged writes");
        Assert.StartsWith(final.Str("focus").Split(' ')[0], final.Str("focus"), StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"figure: plan concurrency: {rounds} rounds, {ok} writes acknowledged, {stale} stale writes refused with 412, 0 lost");
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
}
