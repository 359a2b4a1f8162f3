using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Messages;

/// <summary>Notification emails for new messages, through the outbox, to a real (in-test) SMTP server.</summary>
public sealed class NotificationMailTests
{
    private static readonly string[] OtherNames = ["Riley", "Avery", "Morgan", "Chen", "Brooks"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> SmtpSettings(TestSmtpServer smtp) => new()
    {
        ["Mail:Transport"] = "Smtp",
        ["Mail:SmtpHost"] = "127.0.0.1",
        ["Mail:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:PollInterval"] = "00:00:00.200",
        ["Tandem:PublicUrl"] = "https://tandem.example.test",
        // Session reminders have their own tests; here only message notifications are counted.
        ["Sessions:ReminderInterval"] = "30.00:00:00",
    };

    [Fact]
    public async Task A_new_message_email_has_a_link_and_no_message_text_or_other_names()
    {
        await using var smtp = new TestSmtpServer();
        smtp.Start();
        await using var app = await TandemApp.StartAsync(settings: SmtpSettings(smtp));
        var couple = await Demo.CouplesEngagementAsync(app);
        using var riley = await app.ClientForAsync("riley@riverside.test");

        await riley.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "We argued about the holiday plans again" }, HttpStatusCode.Created);
        // Nothing goes before the coalescing window has passed.
        await app.Service<MailDispatcher>().DispatchDueAsync(Ct);
        Assert.Empty(smtp.Received);

        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var mails = await smtp.WaitForAsync(2);

        Assert.Equal(["avery@riverside.test", "morgan@riverside.test"], mails.SelectMany(m => m.To).Order().ToArray());
        foreach (var mail in mails)
        {
            Assert.Equal("You have a new message in Tandem", mail.Subject);
            Assert.Equal("new-message", mail.Header("X-Tandem-Kind"));
            var text = mail.Text;
            Assert.Contains("https://tandem.example.test/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("holiday", mail.Raw, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("argued", mail.Raw, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listening", mail.Raw, StringComparison.OrdinalIgnoreCase);
            // No one else's name: the recipient's own address is the only name in the mail.
            var recipient = mail.To.Single();
            foreach (var name in OtherNames.Where(n => !recipient.StartsWith(n, StringComparison.OrdinalIgnoreCase)))
            {
                Assert.DoesNotContain(name, mail.Raw, StringComparison.OrdinalIgnoreCase);
            }
        }

        // The sender is not told about their own message.
        Assert.DoesNotContain(mails, m => m.To.Contains("riley@riverside.test"));
    }

    [Fact]
    public async Task A_burst_of_messages_is_one_email_per_person()
    {
        await using var smtp = new TestSmtpServer();
        smtp.Start();
        await using var app = await TandemApp.StartAsync(settings: SmtpSettings(smtp));
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");

        for (var i = 0; i < 6; i++)
        {
            await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = $"and another thing {i}" }, HttpStatusCode.Created);
            app.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        app.Clock.Advance(TimeSpan.FromMinutes(3));
        await smtp.WaitForAsync(1);
        await Task.Delay(1000, Ct);
        var toAlex = smtp.Received.Where(m => m.To.Contains("alex@riverside.test")).ToList();
        Assert.Single(toAlex);

        // After that email went, the next message starts a new one.
        await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "one more" }, HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        await smtp.WaitForAsync(2);
        Assert.Equal(2, smtp.Received.Count(m => m.To.Contains("alex@riverside.test")));
    }

    [Fact]
    public async Task People_who_turned_message_emails_off_get_none()
    {
        await using var smtp = new TestSmtpServer();
        smtp.Start();
        await using var app = await TandemApp.StartAsync(settings: SmtpSettings(smtp));
        var couple = await Demo.CouplesEngagementAsync(app);
        using var avery = await app.ClientForAsync("avery@riverside.test");
        using var put = await avery.PutAsJsonAsync("/api/me/notifications", new { newMessages = false }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var prefs = await avery.GetJsonAsync("/api/me/notifications");
        Assert.False(prefs.GetProperty("newMessages").GetBoolean());
        Assert.True(prefs.GetProperty("sessionReminders").GetBoolean());

        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        await morgan.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "See you both Tuesday." }, HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        await smtp.WaitForAsync(1);
        await Task.Delay(500, Ct);

        Assert.Equal(["riley@riverside.test"], smtp.Received.SelectMany(m => m.To).ToArray());
    }

    [Fact]
    public async Task With_the_mail_server_down_notifications_wait_and_all_arrive_once_when_it_is_back_even_with_two_nodes()
    {
        await using var smtp = new TestSmtpServer();
        var settings = SmtpSettings(smtp);
        await using var app = await TandemApp.StartAsync(settings: settings);
        // A second web node over the same database, with its own dispatcher.
        await using var node2 = new TandemApp(app.Database, seeded: true, settings);
        _ = node2.Server;

        foreach (var (email, title) in new[] { ("sam@riverside.test", "footing"), ("jordan@riverside.test", "move"), ("casey@riverside.test", "Sleep"), ("riley@riverside.test", "Riley and Avery") })
        {
            var engagement = await Demo.EngagementOfAsync(app, email, title);
            using var client = await app.ClientForAsync(email);
            await client.PostJsonAsync($"/api/engagements/{engagement}/messages", new { body = "while the mail server is away" }, HttpStatusCode.Created);
        }

        // Server down: both nodes try (and fail) several times; nothing is lost.
        for (var i = 0; i < 4; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(3));
            node2.Clock.Advance(TimeSpan.FromMinutes(3));
            await Task.WhenAll(app.Service<MailDispatcher>().DispatchDueAsync(Ct), node2.Service<MailDispatcher>().DispatchDueAsync(Ct));
        }

        await app.WithDbAsync(async db =>
        {
            var waiting = await db.Set<OutboxMessage>().Where(m => m.SentAt == null).ToListAsync(Ct);
            // One each for Alex (Sam and Jordan coalesce), Morgan (Casey and Riley) and Avery.
            Assert.True(waiting.Count == 3, string.Join(", ", waiting.Select(m => $"{m.To} {m.Kind} {m.CoalesceKey} {m.Attempts}")));
            Assert.All(waiting, m => Assert.True(m.Attempts > 0));
        });

        // Back up: every waiting notification arrives exactly once, whichever node sends it.
        smtp.Start();
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        node2.Clock.Advance(TimeSpan.FromMinutes(20));
        await Task.WhenAll(
            app.Service<MailDispatcher>().DispatchDueAsync(Ct), node2.Service<MailDispatcher>().DispatchDueAsync(Ct),
            app.Service<MailDispatcher>().DispatchDueAsync(Ct), node2.Service<MailDispatcher>().DispatchDueAsync(Ct));
        await smtp.WaitForAsync(3);
        await Task.Delay(1500, Ct);

        // Only message notifications count here (other mail, e.g. a reminder for a demo session, may also go out).
        var received = smtp.Received.Select(m => m.Parse()).ToList();
        var ids = received.Where(m => (m.Subject ?? "").Contains("new message", StringComparison.OrdinalIgnoreCase)).Select(m => m.MessageId).ToList();
        Assert.True(ids.Count == 3, string.Join(", ", received.Select(m => $"{m.To} {m.Subject}")));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        await app.WithDbAsync(async db => Assert.Equal(0, await db.Set<OutboxMessage>().CountAsync(m => m.SentAt == null, Ct)));
    }
}
