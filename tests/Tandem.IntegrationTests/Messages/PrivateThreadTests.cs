using System.Net.Http.Json;
using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Messages;

public sealed class PrivateThreadTests
{
    private static async Task<Guid> IdOfAsync(TandemApp app, string email)
    {
        using var client = await app.ClientForAsync(email);
        return (await client.GetJsonAsync("/api/me")).Id();
    }

    [Fact]
    public async Task The_other_partner_cannot_read_write_mark_or_detect_a_one_to_one_thread()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        var riley = await IdOfAsync(app, "riley@riverside.test");
        var avery = await IdOfAsync(app, "avery@riverside.test");
        using var rileyClient = await app.ClientForAsync("riley@riverside.test");
        using var averyClient = await app.ClientForAsync("avery@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        var averyUnreadBefore = await MessagesApiTests.UnreadAsync(averyClient, couple);

        var sent = await morgan.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "Just for you, Riley.", withClient = riley }, HttpStatusCode.Created);
        Assert.Equal(riley, sent.GetProperty("withClient").GetGuid());

        // Riley sees the thread and the message; Avery sees neither, not even that it exists.
        var rileyView = await rileyClient.GetJsonAsync($"/api/engagements/{couple}/messages?withClient={riley}");
        Assert.Contains(rileyView.GetProperty("items").EnumerateArray(), m => m.Id() == sent.Id());
        var rileyThreads = (await rileyClient.GetJsonAsync($"/api/engagements/{couple}/messages")).GetProperty("threads").EnumerateArray().ToList();
        Assert.Equal(2, rileyThreads.Count);

        var averyShared = await averyClient.GetJsonAsync($"/api/engagements/{couple}/messages");
        Assert.Single(averyShared.GetProperty("threads").EnumerateArray());
        Assert.DoesNotContain(averyShared.GetProperty("items").EnumerateArray(), m => m.Id() == sent.Id());
        Assert.DoesNotContain("Just for you", averyShared.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(averyUnreadBefore, await MessagesApiTests.UnreadAsync(averyClient, couple));

        Assert.Equal(HttpStatusCode.NotFound, await averyClient.StatusOfGetAsync($"/api/engagements/{couple}/messages?withClient={riley}"));
        Assert.Equal(HttpStatusCode.NotFound, await averyClient.StatusOfPostAsync($"/api/engagements/{couple}/messages", new { body = "hello?", withClient = riley }));
        Assert.Equal(HttpStatusCode.NotFound, await averyClient.StatusOfPostAsync($"/api/messages/{sent.Id()}/read"));
        // Her own thread does not exist yet either, and answers exactly the same.
        Assert.Equal(HttpStatusCode.NotFound, await averyClient.StatusOfGetAsync($"/api/engagements/{couple}/messages?withClient={avery}"));
        // A client never opens a one-to-one thread herself.
        Assert.Equal(HttpStatusCode.NotFound, await averyClient.StatusOfPostAsync($"/api/engagements/{couple}/messages", new { body = "hi", withClient = avery }));

        // Riley can answer in her thread; Morgan sees it.
        await rileyClient.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "Thank you.", withClient = riley }, HttpStatusCode.Created);
        var morganView = await morgan.GetJsonAsync($"/api/engagements/{couple}/messages?withClient={riley}");
        Assert.Contains(morganView.GetProperty("items").EnumerateArray(), m => m.Str("body") == "Thank you.");
    }

    [Fact]
    public async Task A_therapist_opens_a_one_to_one_thread_only_when_the_engagement_allows_it()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var sam = await IdOfAsync(app, "sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var samClient = await app.ClientForAsync("sam@riverside.test");

        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"/api/engagements/{sams}/messages", new { body = "private?", withClient = sam }));

        // Only a therapist of the engagement changes the setting.
        using var put = await samClient.PutAsJsonAsync($"/api/engagements/{sams}/messages/settings", new { allowPrivateThreads = true }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        using var allowed = await alex.PutAsJsonAsync($"/api/engagements/{sams}/messages/settings", new { allowPrivateThreads = true }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        // A therapist cannot open a thread with someone who is not a client of the engagement.
        var jordan = await IdOfAsync(app, "jordan@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"/api/engagements/{sams}/messages", new { body = "x", withClient = jordan }));

        await alex.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "Just between us.", withClient = sam }, HttpStatusCode.Created);
        var threads = (await samClient.GetJsonAsync($"/api/engagements/{sams}/messages")).GetProperty("threads").EnumerateArray().ToList();
        Assert.Contains(threads, t => t.Str("title") == "Only with your therapist" && t.GetProperty("unread").GetInt32() == 1);

        // Turned off again: the thread stays readable but takes no new messages.
        using var off = await alex.PutAsJsonAsync($"/api/engagements/{sams}/messages/settings", new { allowPrivateThreads = false }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        var page = await samClient.GetJsonAsync($"/api/engagements/{sams}/messages?withClient={sam}");
        Assert.False(page.GetProperty("canWrite").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, await samClient.StatusOfPostAsync($"/api/engagements/{sams}/messages", new { body = "reply", withClient = sam }));
    }
}
