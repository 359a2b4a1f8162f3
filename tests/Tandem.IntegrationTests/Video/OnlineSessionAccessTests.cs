using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Video;

/// <summary>
/// Issue 23 on both databases: who reaches a session's call (its participants only: not another client or therapist,
/// not the practice admin even under break-glass, not another practice; every refusal a 404 or "Not found." and
/// audited), when it is open, the waiting room, coturn's credentials, and the access log's words.
/// </summary>
public sealed class OnlineSessionAccessTests
{
    private const string TurnSecret = "a-test-secret-for-coturn";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_the_engagements_participants_reach_the_call_and_every_refusal_is_audited()
    {
        await using var app = await TandemApp.StartAsync();
        var session = await OnlineSessionAsync(app, TimeSpan.FromMinutes(5));

        using (var sam = await app.ClientForAsync("sam@riverside.test"))
        {
            var room = await sam.GetJsonAsync($"/api/sessions/{session}/video");
            Assert.True(room.GetProperty("isOpen").GetBoolean());
            Assert.Equal("Client", room.Str("myRole"));
        }

        // The practice admin opens emergency access to Sam's engagement: the record may be read, the call not.
        var sams = await Demo.SamsEngagementAsync(app);
        using (var admin = await app.ClientForAsync("admin@riverside.test"))
        {
            await admin.PostJsonAsync("/api/practice/break-glass", new { engagementId = sams, reason = "Checking a safeguarding concern raised by phone" }, HttpStatusCode.Created);
        }

        var refusedBefore = await RefusalsAsync(app);
        var people = new[] { "jordan@riverside.test", "morgan@riverside.test", "admin@riverside.test", "admin@harbor.test" };
        foreach (var email in people)
        {
            using var other = await app.ClientForAsync(email);
            using var answer = await other.GetAsync($"/api/sessions/{session}/video", Ct);
            Assert.True(answer.StatusCode == HttpStatusCode.NotFound, $"{email}: {(int)answer.StatusCode}");
        }

        // On the hub: another client and another therapist of the practice are "Not found."; an admin cannot even connect.
        foreach (var email in new[] { "jordan@riverside.test", "morgan@riverside.test" })
        {
            var (hub, _) = await HubClients.ConnectAsync(app, email);
            await using (hub)
            {
                var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("JoinVideo", session, Ct));
                Assert.EndsWith("Not found.", refused.Message, StringComparison.Ordinal);
            }
        }

        await Assert.ThrowsAnyAsync<Exception>(() => HubClients.ConnectAsync(app, "admin@riverside.test"));
        var refusals = await RefusalsAsync(app) - refusedBefore;
        // Jordan and Morgan, on the API and the hub; the admins are refused by the endpoint's policy first, which audits the
        // refusal under the route (the audit-completeness check of every test run holds each 404 to an entry).
        Assert.True(refusals >= 4, $"only {refusals} refusals of the call were audited");
    }

    [Fact]
    public async Task The_call_opens_fifteen_minutes_before_the_start_and_closes_when_the_session_is_marked_over()
    {
        await using var app = await TandemApp.StartAsync();
        var session = await OnlineSessionAsync(app, TimeSpan.FromMinutes(40));
        var (hub, _) = await HubClients.ConnectAsync(app, "alex@riverside.test");
        await using (hub)
        {
            var early = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("JoinVideo", session, Ct));
            Assert.Contains("The call opens 15 minutes before the start", early.Message, StringComparison.Ordinal);

            app.Clock.Advance(TimeSpan.FromMinutes(26));
            var room = await hub.InvokeAsync<JsonElement>("JoinVideo", session, Ct);
            Assert.Equal("Admitted", room.Str("myState"));

            using var alex = await app.ClientForAsync("alex@riverside.test");
            await alex.PostJsonAsync($"/api/sessions/{session}/status", new { status = "Cancelled" }, HttpStatusCode.OK);
            var over = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("JoinVideo", session, Ct));
            Assert.Contains("This session is over", over.Message, StringComparison.Ordinal);
            var view = await alex.GetJsonAsync($"/api/sessions/{session}/video");
            Assert.False(view.GetProperty("isOpen").GetBoolean());
        }
    }

    [Fact]
    public async Task Sam_waits_until_Alex_lets_Sam_in_signals_flow_only_inside_the_call_and_the_access_log_says_who_was_in_it()
    {
        await using var app = await TandemApp.StartAsync();
        var session = await OnlineSessionAsync(app, TimeSpan.FromMinutes(5));
        var alexId = await UserIdAsync(app, "alex@riverside.test");
        var samId = await UserIdAsync(app, "sam@riverside.test");

        var (alex, _) = await HubClients.ConnectAsync(app, "alex@riverside.test");
        var (sam, _) = await HubClients.ConnectAsync(app, "sam@riverside.test");
        await using (alex)
        await using (sam)
        {
            var signals = System.Threading.Channels.Channel.CreateUnbounded<string>();
            alex.On<Guid, Guid, string, string>("VideoSignal", (_, from, kind, payload) => signals.Writer.TryWrite($"{from}:{kind}:{payload}"));

            Assert.Equal("Admitted", (await alex.InvokeAsync<JsonElement>("JoinVideo", session, Ct)).Str("myState"));
            Assert.Equal("Waiting", (await sam.InvokeAsync<JsonElement>("JoinVideo", session, Ct)).Str("myState"));

            // From the waiting room, nothing reaches Alex; a client cannot let anyone in.
            await Assert.ThrowsAsync<HubException>(() => sam.InvokeAsync("SendVideoSignal", session, alexId, "description", "{\"type\":\"offer\"}", Ct));
            await Assert.ThrowsAsync<HubException>(() => sam.InvokeAsync("AdmitToVideo", session, samId, Ct));

            await alex.InvokeAsync("AdmitToVideo", session, samId, Ct);
            await sam.InvokeAsync("SendVideoSignal", session, alexId, "description", "{\"type\":\"offer\"}", Ct);
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                wait.CancelAfter(TimeSpan.FromSeconds(10));
                Assert.Equal($"{samId}:description:{{\"type\":\"offer\"}}", await signals.Reader.ReadAsync(wait.Token));
            }

            // Not a kind of message Tandem relays, or too long: refused.
            await Assert.ThrowsAsync<HubException>(() => sam.InvokeAsync("SendVideoSignal", session, alexId, "script", "{}", Ct));

            app.Clock.Advance(TimeSpan.FromMinutes(3));
            await sam.InvokeAsync("LeaveVideo", session, Ct);

            // Back later in the same session: straight in (Alex let Sam in once).
            Assert.Equal("Admitted", (await sam.InvokeAsync<JsonElement>("JoinVideo", session, Ct)).Str("myState"));
        }

        using var samApi = await app.ClientForAsync("sam@riverside.test");
        var sams = await Demo.SamsEngagementAsync(app);
        var log = (await samApi.GetJsonAsync($"/api/engagements/{sams}/access-log")).EnumerateArray().Select(e => e.Str("sentence")).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', log));
        Assert.Contains(log, s => s.StartsWith("Alex Rivera joined the online session of", StringComparison.Ordinal));
        Assert.Contains(log, s => s.StartsWith("Alex Rivera let someone in from the waiting room", StringComparison.Ordinal));
        Assert.Contains(log, s => s.StartsWith("You were in the online session of", StringComparison.Ordinal) && s.Contains('-', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_participant_gets_short_lived_turn_credentials_in_coturns_shared_secret_scheme()
    {
        await using var app = await TandemApp.StartAsync(settings: new()
        {
            ["Video:TurnUrls:0"] = "turn:turn.example.test:3478?transport=udp",
            ["Video:TurnSecret"] = TurnSecret,
            ["Video:StunUrls:0"] = "stun:turn.example.test:3478",
        });
        var session = await OnlineSessionAsync(app, TimeSpan.FromMinutes(5));
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var room = await sam.GetJsonAsync($"/api/sessions/{session}/video");
        var servers = room.GetProperty("iceServers").EnumerateArray().ToList();
        Assert.Equal("stun:turn.example.test:3478", servers[0].GetProperty("urls")[0].GetString());
        var turn = servers.Single(s => s.GetProperty("urls")[0].GetString()!.StartsWith("turn:", StringComparison.Ordinal));
        var username = turn.Str("username");
        var parts = username.Split(':');
        Assert.Equal(2, parts.Length);
        Assert.Equal((await UserIdAsync(app, "sam@riverside.test")).ToString("N"), parts[1]);
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(expires - app.Clock.GetUtcNow(), TimeSpan.FromHours(3.9), TimeSpan.FromHours(4.1));
#pragma warning disable CA5350 // coturn's scheme
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(TurnSecret), Encoding.UTF8.GetBytes(username)));
#pragma warning restore CA5350
        Assert.Equal(expected, turn.Str("credential"));
        Assert.DoesNotContain(TurnSecret, room.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>An online session (video in Tandem) of Sam's engagement, starting after the given time.</summary>
    internal static async Task<Guid> OnlineSessionAsync(TandemApp app, TimeSpan after)
    {
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var created = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions",
            new { startsAt = app.Clock.GetUtcNow().Add(after), durationMinutes = 50, mode = "Online" }, HttpStatusCode.Created);
        Assert.Equal("Video", created.Str("locationKind"));
        Assert.Equal("Online", created.Str("mode"));
        return created.Id();
    }

    private static async Task<Guid> UserIdAsync(TandemApp app, string email)
    {
        var id = Guid.Empty;
        await app.WithDbAsync(async db =>
        {
            using (db.Tenant.AsSystem())
            {
                id = (await db.Users.FirstAsync(u => u.Email == email, Ct)).Id;
            }
        });
        return id;
    }

    private static async Task<int> RefusalsAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db =>
        {
            using (db.Tenant.AsSystem())
            {
                // A refusal is filed under the engagement (its participants see that someone without access tried), as the call's object type.
                count = await db.AuditEntries.CountAsync(e => (e.ObjectType == "OnlineSessionRoom" || e.ObjectType == "OnlineSession") && e.Outcome == AuditOutcome.Refused, Ct);
            }
        });
        return count;
    }
}
