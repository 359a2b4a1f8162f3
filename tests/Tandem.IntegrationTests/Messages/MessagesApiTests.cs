using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Messages;

public sealed class MessagesApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Guid IdOf(JsonElement e, string name) => e.GetProperty(name).GetGuid();

    [Fact]
    public async Task Sam_sends_a_message_Alex_reads_it_and_the_read_receipt_reaches_Sam()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var unreadBefore = await UnreadAsync(alex, sams);

        var sent = await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "Can we talk about **sleep** on Thursday?" }, HttpStatusCode.Created);
        Assert.True(sent.GetProperty("isMine").GetBoolean());
        Assert.Equal("Sam Okafor", sent.Str("authorName"));
        Assert.Contains("<strong>sleep</strong>", sent.Str("bodyHtml"), StringComparison.Ordinal);
        Assert.Equal(unreadBefore + 1, await UnreadAsync(alex, sams));

        var page = await alex.GetJsonAsync($"/api/engagements/{sams}/messages");
        var last = page.GetProperty("items").EnumerateArray().Last();
        Assert.Equal(sent.Id(), last.Id());
        Assert.Equal("Can we talk about **sleep** on Thursday?", last.Str("body"));
        Assert.Equal(0, last.GetProperty("readBy").GetArrayLength());
        Assert.Equal("within 2 working days", page.Str("expectedReply"));
        Assert.Contains("emergency", page.Str("crisisInformation"), StringComparison.OrdinalIgnoreCase);

        var read = await alex.PostJsonAsync($"/api/messages/{sent.Id()}/read", null, HttpStatusCode.OK);
        Assert.Equal(0, read.GetProperty("unread").GetInt32());
        Assert.Equal(0, await UnreadAsync(alex, sams));

        var seenBySam = await sam.GetJsonAsync($"/api/engagements/{sams}/messages");
        var mine = seenBySam.GetProperty("items").EnumerateArray().Single(m => m.Id() == sent.Id());
        Assert.Contains(mine.GetProperty("readBy").EnumerateArray(), r => r.Str("displayName") == "Alex Rivera");

        // Reading is idempotent and never goes backwards.
        await alex.PostJsonAsync($"/api/messages/{page.GetProperty("items")[0].Id()}/read", null, HttpStatusCode.OK);
        Assert.Equal(0, await UnreadAsync(alex, sams));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t  ")]
    [InlineData(null)]
    [InlineData("bell\u0007")]
    public async Task Empty_or_unstorable_messages_get_422_and_nothing_is_stored(string? body)
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var before = await CountAsync(app);

        var problem = await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body }, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("body", out _), problem.GetRawText());
        Assert.Equal(before, await CountAsync(app));
        await app.WithDbAsync(async db => Assert.Equal(0, await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().CountAsync(Ct)));
    }

    [Fact]
    public async Task An_over_long_message_gets_422_and_the_longest_allowed_one_is_kept_whole()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var before = await CountAsync(app);

        var problem = await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = new string('a', Message.BodyMaxLength + 1) }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("4,000", problem.Str("title"), StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(app));

        var longest = string.Concat(Enumerable.Repeat("ü word ", Message.BodyMaxLength / 7)).Trim();
        var sent = await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = longest }, HttpStatusCode.Created);
        Assert.Equal(longest, sent.Str("body"));
    }

    [Fact]
    public async Task Script_bearing_messages_are_kept_verbatim_and_rendered_inert()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        const string Payload = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a>";

        var sent = await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = Payload }, HttpStatusCode.Created);

        using var alex = await app.ClientForAsync("alex@riverside.test");
        var seen = (await alex.GetJsonAsync($"/api/engagements/{sams}/messages")).GetProperty("items").EnumerateArray().Single(m => m.Id() == sent.Id());
        Assert.Equal(Payload, seen.Str("body"));
        var html = seen.Str("bodyHtml");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<[^>]*onerror", html);
        Assert.DoesNotMatch("<a[^>]*javascript:", html);
    }

    [Fact]
    public async Task Non_participants_get_404_for_reading_writing_and_marking_read()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var message = (await sam.GetJsonAsync($"/api/engagements/{sams}/messages")).GetProperty("items")[0].Id();
        var before = await CountAsync(app);

        foreach (var email in new[] { "jordan@riverside.test", "casey@riverside.test", "morgan@riverside.test", "riley@riverside.test", "admin@riverside.test", "kim@harbor.test", "lee@harbor.test", "admin@harbor.test" })
        {
            using var outsider = await app.ClientForAsync(email);
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfGetAsync($"/api/engagements/{sams}/messages"));
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfPostAsync($"/api/engagements/{sams}/messages", new { body = "hello" }));
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfPostAsync($"/api/messages/{message}/read"));
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfGetAsync($"/api/engagements/{sams}/messages?withClient={IdOf(await sam.GetJsonAsync("/api/me"), "id")}"));
        }

        Assert.Equal(before, await CountAsync(app));
        await app.WithDbAsync(async db => Assert.True(await db.AuditEntries.CountAsync(a => a.ObjectType == "Message" || a.ObjectType == "MessageThread" && a.Outcome == Tandem.Features.Audit.AuditOutcome.Refused, Ct) >= 8));
    }

    [Fact]
    public async Task Reads_and_writes_of_messages_are_audited_without_their_text()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var sent = await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "a very particular sentence" }, HttpStatusCode.Created);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync($"/api/engagements/{sams}/messages");
        await alex.PostJsonAsync($"/api/messages/{sent.Id()}/read", null, HttpStatusCode.OK);
        await alex.GetJsonAsync("/api/messages/unread");

        await app.WithDbAsync(async db =>
        {
            var entries = await db.AuditEntries.AsNoTracking().Where(a => a.EngagementId == sams || a.ObjectType == "MessageUnreadCounts").ToListAsync(Ct);
            Assert.Contains(entries, a => a.ObjectType == "Message" && a.Action == Tandem.Features.Audit.AuditAction.Create && a.ObjectId == sent.Id().ToString());
            Assert.Contains(entries, a => a.ObjectType == "MessageThread" && a.Action == Tandem.Features.Audit.AuditAction.Read && a.Role == "Therapist");
            Assert.Contains(entries, a => a.ObjectType == "MessageReadState" && a.Action == Tandem.Features.Audit.AuditAction.Update);
            Assert.Contains(entries, a => a.ObjectType == "MessageUnreadCounts");
            Assert.DoesNotContain(entries, a => (a.ObjectId ?? "").Contains("particular", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task Threads_page_back_in_order_without_gaps_or_repeats()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        for (var i = 1; i <= 25; i++)
        {
            await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = $"note {i}" }, HttpStatusCode.Created);
        }

        var seen = new List<long>();
        long? before = null;
        do
        {
            var page = await sam.GetJsonAsync($"/api/engagements/{sams}/messages?limit=10" + (before is null ? "" : $"&before={before}"));
            var items = page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt64()).ToList();
            Assert.True(items.Count <= 10);
            Assert.Equal(items.Order(), items);
            seen.InsertRange(0, items);
            before = page.GetProperty("nextBefore").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextBefore").GetInt64();
        }
        while (before is not null);

        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen);
        Assert.True(seen.Count >= 30);
    }

    [Fact]
    public async Task Messages_sent_at_the_same_moment_all_get_their_own_place_in_the_thread()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");

        var sends = Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? sam : alex).PostJsonAsync($"/api/engagements/{sams}/messages", new { body = $"together {i}" }, HttpStatusCode.Created));
        await Task.WhenAll(sends);

        var items = (await sam.GetJsonAsync($"/api/engagements/{sams}/messages?limit=200")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(8, items.Count(m => m.Str("body").StartsWith("together", StringComparison.Ordinal)));
        var sequences = items.Select(m => m.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Distinct().Count(), sequences.Count);
    }

    [Fact]
    public async Task Messages_wait_for_the_agreement_and_an_ended_engagement_takes_no_more()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.PostJsonAsync($"/api/engagements/{sams}/end", null, HttpStatusCode.OK);

        var refused = await alex.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "one more thing" }, HttpStatusCode.Conflict);
        Assert.Contains("ended", refused.Str("title"), StringComparison.Ordinal);
        var page = await alex.GetJsonAsync($"/api/engagements/{sams}/messages");
        Assert.False(page.GetProperty("canWrite").GetBoolean());
        Assert.NotEmpty(page.GetProperty("items").EnumerateArray());
    }

    internal static async Task<int> UnreadAsync(HttpClient client, Guid engagementId)
    {
        var list = await client.GetJsonAsync("/api/messages/unread");
        return list.EnumerateArray().Single(e => IdOf(e, "engagementId") == engagementId).GetProperty("unread").GetInt32();
    }

    internal static async Task<int> CountAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await db.Set<Message>().CountAsync(Ct));
        return count;
    }
}
