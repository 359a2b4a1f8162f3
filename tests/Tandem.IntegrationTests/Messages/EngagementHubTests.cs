using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Tandem.Features.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Messages;

/// <summary>The live hub at /hubs/engagement, driven by the .NET SignalR client over the in-memory server.</summary>
public sealed class EngagementHubTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<(HubConnection Connection, Channel<HubMessagingEvent> Events)> ConnectAsync(TandemApp app, string email) => HubClients.ConnectAsync(app, email);

    private static Task<HubMessagingEvent?> NextAsync(Channel<HubMessagingEvent> events, TimeSpan wait) => HubClients.NextAsync(events, wait);

    [Fact]
    public async Task Participants_hear_of_new_messages_and_read_receipts_and_outsiders_cannot_join()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var (alex, alexEvents) = await ConnectAsync(app, "alex@riverside.test");
        var (sam, samEvents) = await ConnectAsync(app, "sam@riverside.test");
        await using var _ = alex;
        await using var __ = sam;
        await alex.InvokeAsync("JoinEngagement", sams, Ct);
        await sam.InvokeAsync("JoinEngagement", sams, Ct);

        foreach (var email in new[] { "jordan@riverside.test", "morgan@riverside.test", "kim@harbor.test" })
        {
            var (outsider, outsiderEvents) = await ConnectAsync(app, email);
            await using var ___ = outsider;
            var refused = await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync("JoinEngagement", sams, Ct));
            Assert.Contains("Not found.", refused.Message, StringComparison.Ordinal);
        }

        using var samApi = await app.ClientForAsync("sam@riverside.test");
        var sent = await samApi.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "hello from the hub test" }, HttpStatusCode.Created);
        var posted = await NextAsync(alexEvents, TimeSpan.FromSeconds(10));
        Assert.NotNull(posted);
        Assert.Equal(("Posted", sams, sent.Id()), (posted.Kind, posted.EngagementId, posted.MessageId!.Value));

        using var alexApi = await app.ClientForAsync("alex@riverside.test");
        await alexApi.PostJsonAsync($"/api/messages/{sent.Id()}/read", null, HttpStatusCode.OK);
        HubMessagingEvent? receipt;
        do
        {
            receipt = await NextAsync(samEvents, TimeSpan.FromSeconds(10));
        }
        while (receipt is { Kind: "Posted" });

        Assert.NotNull(receipt);
        Assert.Equal("Read", receipt.Kind);
        Assert.Equal(sent.Id(), receipt.MessageId);
    }

    [Fact]
    public async Task An_admin_cannot_even_connect_and_anonymous_callers_are_refused()
    {
        await using var app = await TandemApp.StartAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(app, "admin@riverside.test"));
        using var anonymous = app.CreateAnonymousClient();
        using var negotiate = await anonymous.PostAsync(MessagingModule.HubPath + "/negotiate?negotiateVersion=1", null, Ct);
        Assert.True(negotiate.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.Redirect, negotiate.StatusCode.ToString());
    }

    [Fact]
    public async Task The_other_partner_hears_nothing_of_a_one_to_one_thread()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        var (riley, rileyEvents) = await ConnectAsync(app, "riley@riverside.test");
        var (avery, averyEvents) = await ConnectAsync(app, "avery@riverside.test");
        await using var _ = riley;
        await using var __ = avery;
        await riley.InvokeAsync("JoinEngagement", couple, Ct);
        await avery.InvokeAsync("JoinEngagement", couple, Ct);

        using var rileyApi = await app.ClientForAsync("riley@riverside.test");
        var rileyId = (await rileyApi.GetJsonAsync("/api/me")).Id();
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        await morgan.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "private note", withClient = rileyId }, HttpStatusCode.Created);
        var toRiley = await NextAsync(rileyEvents, TimeSpan.FromSeconds(10));
        Assert.NotNull(toRiley);
        Assert.Equal(rileyId, toRiley.WithClient);

        // A shared message afterwards reaches Avery, and it is the first thing she hears.
        await morgan.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "for both of you" }, HttpStatusCode.Created);
        var toAvery = await NextAsync(averyEvents, TimeSpan.FromSeconds(10));
        Assert.NotNull(toAvery);
        Assert.Null(toAvery.WithClient);
    }
}
