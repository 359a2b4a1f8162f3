using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Features.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Cluster;

/// <summary>
/// Issue 27: two Tandem nodes behind nginx, one PostgreSQL, one Redis. What happens on one node
/// is live on the other; sign-in limits are counted once for both; deactivating an account on one
/// node ends its session on the other at once. Run by <c>./test.sh cluster</c> (part of every full run).
/// </summary>
[Trait("Suite", "Cluster")]
public sealed class TwoNodeTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_nodes_behind_nginx_share_live_updates_sign_in_limits_and_sign_outs()
    {
        await using var rig = await ClusterRig.StartAsync(Ct);
        using var samA = await ApiAsync(rig.NodeA.BaseAddress, "sam@riverside.test");
        using var samB = await ApiAsync(rig.NodeB.BaseAddress, "sam@riverside.test");
        var sams = (await samA.GetJsonAsync("/api/engagements")).EnumerateArray().Single().Id();

        // Alex in a real browser through nginx: TLS, HTTP/2, the live pages' WebSocket, the sticky route.
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = rig.Proxy.ToString().TrimEnd('/'),
            IgnoreHTTPSErrors = true,
            ViewportSize = BrowserSession.Desktop,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        try
        {
            var conversation = await context.NewPageAsync();
            await BrowserSession.SignInAsync(conversation, "alex@riverside.test");
            await conversation.GotoAsync($"/engagements/{sams}/messages");
            try
            {
                await Assertions.Expect(conversation.Locator(".conversation[data-live]")).ToHaveCountAsync(1);
            }
            catch (PlaywrightException ex)
            {
                throw new Xunit.Sdk.XunitException($"Alex's conversation did not go live through nginx: {ex.Message}\n{rig.Diagnostics()}");
            }

            // The audit and Alex's own sign-in list show the browser's address, not nginx's (issue 26, items 1 and 2).
            var devices = await context.NewPageAsync();
            await devices.GotoAsync("/Account/Manage/Sessions");
            await Assertions.Expect(devices.Locator("main")).ToContainTextAsync("127.0.0.1");
            Assert.DoesNotContain(ClusterRig.ProxyAddress, await devices.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            await BrowserSession.ScreenshotAsync(devices, "cluster-signed-in-devices-through-nginx");
            await devices.CloseAsync();

            var plan = await context.NewPageAsync();
            await plan.GotoAsync($"/engagements/{sams}/plan");
            await Assertions.Expect(plan.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await Task.Delay(1500, Ct);
            var served = rig.UpstreamsFor("/_blazor").Select(rig.NodeName).Distinct().ToList();
            Assert.True(served.Count == 1, $"Alex's live pages were served by {string.Join(" and ", served)}: the route must keep a browser on one node.");

            // Sam writes and proposes once through each node: one of the two is always the other node than Alex's.
            foreach (var (api, node) in new[] { (samA, "A"), (samB, "B") })
            {
                var clock = Stopwatch.StartNew();
                await api.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = $"Written on node {node}" }, HttpStatusCode.Created);
                await Assertions.Expect(conversation.Locator(".message.theirs").Last).ToContainTextAsync($"Written on node {node}", new() { Timeout = 10_000 });
                var message = clock.ElapsedMilliseconds;
                clock.Restart();
                await api.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddQuestion", text = $"A question proposed on node {node}?" }, HttpStatusCode.Created);
                await Assertions.Expect(plan.GetByText($"A question proposed on node {node}?").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
                Figures.Print($"two nodes: Sam on node {node}, Alex's pages on node {served[0]}: message shown in {message} ms, proposal in {clock.ElapsedMilliseconds} ms (post to screen)");
            }

            await BrowserSession.ScreenshotAsync(conversation, "cluster-conversation-through-nginx");
        }
        finally
        {
            await context.CloseAsync();
        }

        using (var admin = await ApiAsync(rig.NodeA.BaseAddress, "admin@riverside.test"))
        {
            var log = (await admin.GetJsonAsync("/api/practice/security-log")).EnumerateArray().ToList();
            // Alex signed in only through nginx so far; everyone else straight at a node.
            var alex = log.Where(e => e.Str("who").StartsWith("Alex", StringComparison.Ordinal)).Select(e => e.Str("sourceAddress")).Distinct().ToList();
            var sources = log.Select(e => e.Str("sourceAddress")).Distinct().ToList();
            Assert.True(alex is ["127.0.0.1"] && !sources.Contains(ClusterRig.ProxyAddress),
                $"the security log names Alex's browser as {string.Join(", ", alex)}, and these addresses in all: {string.Join(", ", sources)} (nginx's is {ClusterRig.ProxyAddress})");
        }

        await HubLatencyAsync(rig, samA, sams);
        await SignInLimitsAsync(rig);
        await DeactivationAsync(rig);
    }

    /// <summary>Live delivery A -> B: Sam posts on A, Alex's hub connection on B hears it (SignalR Redis backplane).</summary>
    private static async Task HubLatencyAsync(ClusterRig rig, HttpClient samA, Guid sams)
    {
        using var alexB = await ApiAsync(rig.NodeB.BaseAddress, "alex@riverside.test");
        var token = alexB.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(rig.NodeB.BaseAddress, MessagingModule.HubPath), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var heard = Channel.CreateUnbounded<(HubMessagingEvent Event, long At)>();
        var clock = Stopwatch.StartNew();
        hub.On<HubMessagingEvent>("messaging", e => heard.Writer.TryWrite((e, clock.ElapsedTicks)));
        await hub.StartAsync(Ct);
        await hub.InvokeAsync("JoinEngagement", sams, Ct);

        var latencies = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var sent = clock.ElapsedTicks;
            var posted = await samA.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = $"Latency probe {i}" }, HttpStatusCode.Created);
            var sequence = posted.GetProperty("sequence").GetInt64();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            while (true)
            {
                var (e, at) = await heard.Reader.ReadAsync(wait.Token);
                if (e.Kind == nameof(MessagingEventKind.Posted) && e.Sequence == sequence)
                {
                    latencies.Add((at - sent) * 1000.0 / Stopwatch.Frequency);
                    break;
                }
            }
        }

        latencies.Sort();
        Figures.Print($"two nodes: live delivery A -> B (post on A until B's hub client hears it, 40 messages): p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms");
    }

    /// <summary>12 failures spread over both nodes meet one limit: the address's window and the account's slow-down are shared.</summary>
    private static async Task SignInLimitsAsync(ClusterRig rig)
    {
        // From 127.0.0.2: a client of its own, so the window holds only these attempts.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var client = From("127.0.0.2", i % 2 == 0 ? rig.NodeA.BaseAddress : rig.NodeB.BaseAddress);
            statuses.Add(await client.StatusOfPostAsync("/api/auth/login", new { email = $"nobody{i}@riverside.test", password = "not the password" }));
        }

        Assert.True(statuses.Take(10).All(s => s == HttpStatusCode.Unauthorized) && statuses.Skip(10).All(s => s == HttpStatusCode.TooManyRequests),
            "10 sign-in posts per address per window in all, whichever node: " + string.Join(", ", statuses.Select(s => (int)s)));

        // From 127.0.0.3: one account guessed at on both nodes slows down after its 5 free failures, counted together.
        var account = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var client = From("127.0.0.3", i % 2 == 0 ? rig.NodeA.BaseAddress : rig.NodeB.BaseAddress);
            account.Add(await client.StatusOfPostAsync("/api/auth/login", new { email = "riley@riverside.test", password = "not the password" }));
        }

        Assert.True(account.Take(5).All(s => s == HttpStatusCode.Unauthorized) && account[5] == HttpStatusCode.TooManyRequests,
            "Riley's account, guessed at on both nodes: " + string.Join(", ", account.Select(s => (int)s)));
        Figures.Print("two nodes: 12 sign-in failures over both nodes: 10 checked, 2 refused (one shared window); one account's 6th guess on the other node waits (one shared count)");
    }

    /// <summary>Deactivating Jordan on node A ends his session on node B at once, not when B's cache expires.</summary>
    private static async Task DeactivationAsync(ClusterRig rig)
    {
        using var jordanB = await ApiAsync(rig.NodeB.BaseAddress, "jordan@riverside.test");
        Assert.Equal(HttpStatusCode.OK, await jordanB.StatusOfGetAsync("/api/me"));
        using var adminA = await ApiAsync(rig.NodeA.BaseAddress, "admin@riverside.test");
        var jordan = (await adminA.GetJsonAsync("/api/practice/people")).EnumerateArray().Single(p => p.Str("email") == "jordan@riverside.test").Id();

        await adminA.PostJsonAsync($"/api/practice/people/{jordan}/deactivate", null, HttpStatusCode.NoContent);
        var clock = Stopwatch.StartNew();
        var status = HttpStatusCode.OK;
        while (clock.Elapsed < TimeSpan.FromSeconds(5) && (status = await jordanB.StatusOfGetAsync("/api/me")) == HttpStatusCode.OK)
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(status == HttpStatusCode.Unauthorized && clock.Elapsed < TimeSpan.FromSeconds(2),
            $"Jordan's token on node B after his deactivation on node A: {(int)status} after {clock.ElapsedMilliseconds} ms");
        Figures.Print($"two nodes: a deactivation on node A refused on node B after {clock.ElapsedMilliseconds} ms (each node's cache keeps accounts up to 30 s)");
    }

    private static async Task<HttpClient> ApiAsync(Uri node, string email)
    {
        var client = new HttpClient { BaseAddress = node };
        var tokens = await client.PostJsonAsync("/api/auth/login", new { email, password = TandemApp.DemoPassword }, HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.Str("accessToken"));
        return client;
    }

    /// <summary>A client whose connections come from another loopback address (the node sees a different client).</summary>
    private static HttpClient From(string address, Uri node) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = node };

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
