using System.Net;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>The benchmark-only endpoints (bench/run.sh) exist only under Bench:Enabled, and declare their policies.</summary>
public sealed class BenchEndpointPolicyTests
{
    [Fact]
    public async Task Bench_endpoints_are_absent_unless_the_setting_is_on()
    {
        await using var app = await TandemApp.StartAsync();
        Assert.DoesNotContain(EndpointInfo.All(app.Services), e => e.Pattern.StartsWith("/bench", StringComparison.Ordinal));

        using var client = app.CreateAnonymousClient();
        using var response = await client.GetAsync(new Uri("/bench/plain", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bench_endpoints_declare_their_policy_when_on()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Bench:Enabled"] = "true" });
        var bench = EndpointInfo.All(app.Services).Where(e => e.Pattern.StartsWith("/bench", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, bench.Count); // B0, the bare write, the bare write with its audit entry, the plan board's load
        Assert.All(bench, e => Assert.True(e.AllowsAnonymous || e.Authorize.Count > 0, $"{e.Method} {e.Pattern} declares no policy"));

        using var client = app.CreateAnonymousClient();
        using var plain = await client.GetAsync(new Uri("/bench/plain", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        using var write = await client.PostAsync(new Uri($"/bench/write/{Guid.NewGuid()}", UriKind.Relative), null, TestContext.Current.CancellationToken);
        Assert.False(write.IsSuccessStatusCode, "An anonymous caller must not write.");

        // The plan board's load is the board's own reads, with their access checks: a participant gets the engagement,
        // its plan and proposals; a therapist of another practice gets "not found".
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var board = await alex.GetJsonAsync($"/bench/plan-board/{sams}");
        Assert.Equal(sams, board.GetProperty("engagement").Id());
        Assert.Equal(JsonValueKind.Array, board.GetProperty("plan").GetProperty("goals").ValueKind);
        Assert.Equal(JsonValueKind.Array, board.GetProperty("proposals").ValueKind);
        using var kim = await app.ClientForAsync("kim@harbor.test");
        await kim.GetJsonAsync($"/bench/plan-board/{sams}", HttpStatusCode.NotFound);
    }
}
