using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Video;
using Tandem.IntegrationTests.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Video;

/// <summary>
/// Issue 23, guests (an interpreter, a relay or captioning service) on both databases: a therapist's one-time, time-boxed
/// link; looking at it uses nothing up, using it holds the place for one browser; a second use, a withdrawn or an
/// expired link is refused and audited; the guest waits until a client lets them in (a therapist cannot, alone); without
/// the guest cookie the guest hub answers "Not found." to everything.
/// </summary>
public sealed class OnlineSessionGuestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_guest_link_works_once_in_one_browser_until_it_expires_and_refusals_are_audited()
    {
        await using var app = await TandemApp.StartAsync();
        var session = await OnlineSessionAccessTests.OnlineSessionAsync(app, TimeSpan.FromMinutes(5));

        using (var sam = await app.ClientForAsync("sam@riverside.test"))
        using (var refused = await sam.PostAsJsonAsync($"/api/sessions/{session}/video/guests", new { name = "Jo Park", role = "BSL interpreter" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        var link = await InviteAsync(app, session);
        var path = new Uri(link).PathAndQuery;
        using var guest = app.CreateAnonymousClient();
        for (var look = 0; look < 2; look++)
        {
            // A link preview (mail, chat) opens it too: looking uses nothing up.
            var page = await guest.GetStringAsync(path, Ct);
            Assert.Contains("Join as Jo Park", page, StringComparison.Ordinal);
        }

        using (var none = await guest.GetAsync("/api/video/guest", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        using (var joined = await PageForms.SubmitAsync(guest, path, "guest-join", new Dictionary<string, string>()))
        {
            Assert.True(joined.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"joining answered {(int)joined.StatusCode}");
            Assert.Contains(joined.Headers.GetValues("Set-Cookie"), c => c.StartsWith(VideoGuests.CookieName + "=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        }

        var room = JsonDocument.Parse(await guest.GetStringAsync("/api/video/guest", Ct)).RootElement;
        Assert.Equal("Guest", room.Str("myRole"));
        Assert.Equal(session, room.GetProperty("sessionId").GetGuid());

        // The same link in another browser: already used.
        using var other = app.CreateAnonymousClient();
        var refusedBefore = await RefusalsAsync(app);
        using (var second = await other.GetAsync(path, Ct))
        {
            var text = await second.Content.ReadAsStringAsync(Ct);
            Assert.Contains("already used", text, StringComparison.Ordinal);
            Assert.DoesNotContain("guest-join", text, StringComparison.Ordinal);
        }

        Assert.Equal(refusedBefore + 1, await RefusalsAsync(app));
        using (var madeUp = await other.GetAsync("/video/guest/not-a-real-link", Ct))
        {
            Assert.Contains("This guest link is not valid", await madeUp.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(refusedBefore + 2, await RefusalsAsync(app));

        // After the session's end and its half hour, the guest's cookie opens nothing and a fresh link says it expired.
        var late = await InviteAsync(app, session);
        app.Clock.Advance(TimeSpan.FromMinutes(5 + 50 + 31));
        using (var expired = await guest.GetAsync("/api/video/guest", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        }

        var latePage = await other.GetAsync(new Uri(late).PathAndQuery, Ct);
        Assert.Contains("This guest link has expired.", await latePage.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_guest_waits_until_a_client_lets_them_in_and_their_captions_reach_everyone_in_the_call()
    {
        await using var app = await TandemApp.StartAsync();
        var session = await OnlineSessionAccessTests.OnlineSessionAsync(app, TimeSpan.FromMinutes(5));
        var link = await InviteAsync(app, session);
        using var browser = app.CreateAnonymousClient();
        string cookie;
        using (var joined = await PageForms.SubmitAsync(browser, new Uri(link).PathAndQuery, "guest-join", new Dictionary<string, string>()))
        {
            cookie = CookieOf(joined) ?? throw new InvalidOperationException("joining set no guest cookie");
        }

        var (alex, _) = await HubClients.ConnectAsync(app, "alex@riverside.test");
        var (sam, _) = await HubClients.ConnectAsync(app, "sam@riverside.test");
        await using var guest = await GuestHubAsync(app, cookie);
        await using var stranger = await GuestHubAsync(app, null);
        await using (alex)
        await using (sam)
        {
            var captions = Channel.CreateUnbounded<string>();
            sam.On<Guid, string, string>("VideoCaption", (_, name, text) => captions.Writer.TryWrite($"{name}: {text}"));
            await alex.InvokeAsync<JsonElement>("JoinVideo", session, Ct);
            var samId = (await sam.InvokeAsync<JsonElement>("JoinVideo", session, Ct)).GetProperty("myUserId").GetGuid();
            await alex.InvokeAsync("AdmitToVideo", session, samId, Ct);

            var stranded = await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync<JsonElement>("JoinVideo", session, Ct));
            Assert.EndsWith("Not found.", stranded.Message, StringComparison.Ordinal);

            var mine = await guest.InvokeAsync<JsonElement>("JoinVideo", session, Ct);
            Assert.Equal("Waiting", mine.Str("myState"));
            var guestId = mine.GetProperty("myUserId").GetGuid();
            var people = mine.GetProperty("people").EnumerateArray().ToList();
            Assert.Contains(people, p => p.Str("name") == "Jo Park (BSL interpreter)" && p.Str("role") == "Guest");

            // Waiting: no captions, no signals; a therapist cannot let a guest in alone; the client can.
            await Assert.ThrowsAsync<HubException>(() => guest.InvokeAsync("SendCaption", session, "Hello", Ct));
            await Assert.ThrowsAsync<HubException>(() => guest.InvokeAsync("SendVideoSignal", session, samId, "description", "{}", Ct));
            var therapistAlone = await Assert.ThrowsAsync<HubException>(() => alex.InvokeAsync("AdmitToVideo", session, guestId, Ct));
            Assert.Contains("A client lets a guest in", therapistAlone.Message, StringComparison.Ordinal);
            await sam.InvokeAsync("AdmitToVideo", session, guestId, Ct);

            await guest.InvokeAsync("SendCaption", session, "Good morning, everyone.", Ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            Assert.Equal("Jo Park: Good morning, everyone.", await captions.Reader.ReadAsync(wait.Token));
            await guest.InvokeAsync("SendVideoSignal", session, samId, "description", "{\"type\":\"offer\"}", Ct);
        }

        // Sam's access log names what happened without naming the guest's browser.
        using var samApi = await app.ClientForAsync("sam@riverside.test");
        var log = (await samApi.GetJsonAsync($"/api/engagements/{await Demo.SamsEngagementAsync(app)}/access-log")).EnumerateArray().Select(e => e.Str("sentence")).ToList();
        Assert.Contains(log, s => s.StartsWith("Alex Rivera invited a guest to the online session", StringComparison.Ordinal));
        Assert.Contains(log, s => s.StartsWith("A guest joined the online session", StringComparison.Ordinal));
        Assert.Contains(log, s => s.StartsWith("You let a guest in to the online session", StringComparison.Ordinal));
    }

    private static async Task<string> InviteAsync(TandemApp app, Guid session)
    {
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var created = await alex.PostJsonAsync($"/api/sessions/{session}/video/guests", new { name = "Jo Park", role = "BSL interpreter" }, HttpStatusCode.Created);
        var link = created.Str("link");
        Assert.Contains("/video/guest/", link, StringComparison.Ordinal);
        return link;
    }

    /// <summary>"name=value" of the guest cookie a response sets, as a browser would send it back.</summary>
    private static string? CookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(c => c.StartsWith(VideoGuests.CookieName + "=", StringComparison.Ordinal))?.Split(';')[0]
            : null;

    private static async Task<HubConnection> GuestHubAsync(TandemApp app, string? cookie)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/video-guest"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                if (cookie is not null)
                {
                    o.Headers["Cookie"] = cookie;
                }
            })
            .Build();
        await connection.StartAsync(Ct);
        return connection;
    }

    private static async Task<int> RefusalsAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db =>
        {
            using (db.Tenant.AsSystem())
            {
                count = await db.AuditEntries.CountAsync(e => e.ObjectType == "OnlineSessionGuestLinkUsed" && e.Outcome == AuditOutcome.Refused, Ct);
            }
        });
        return count;
    }
}
