using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Messages;

/// <summary>
/// Email that arrives (issue 26, item 6), over real SMTP conversations with the in-test server:
/// TLS both ways, no password in clear text, a Message-ID in the sender's domain, permanent
/// refusals that stop and show on the admin's page, and logs without addresses.
/// </summary>
public sealed class MailDeliveryTests
{
    private const string From = "Riverside Therapy <care@riverside.example>";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Smtp(TestSmtpServer smtp, string host = "127.0.0.1") => new()
    {
        ["Mail:Transport"] = "Smtp",
        ["Mail:SmtpHost"] = host,
        ["Mail:SmtpPort"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:From"] = From,
        ["Mail:PollInterval"] = "00:00:00.200",
        ["Tandem:PublicUrl"] = "https://tandem.example.test",
        ["Sessions:ReminderInterval"] = "1.00:00:00",
    };

    private static async Task AskForResetAsync(TandemApp app, string email)
    {
        using var anonymous = app.CreateAnonymousClient();
        await anonymous.PostJsonAsync("/api/auth/password-reset", new { email }, HttpStatusCode.Accepted);
    }

    /// <summary>
    /// Waits for the background dispatcher (up to a minute: a loaded 2-core machine running the suites in parallel
    /// took longer than 15 s); a wait that runs out says so here instead of letting a later assertion fail on an
    /// empty log.
    /// </summary>
    private static async Task WaitUntilAsync(Func<bool> condition, int seconds = 60, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow >= until)
            {
                Assert.Fail($"Still not true after {seconds} s: {what}");
            }

            await Task.Delay(50, Ct);
        }
    }

    [Theory]
    [InlineData(SmtpTls.Implicit, "SslOnConnect")]
    [InlineData(SmtpTls.StartTls, "Auto")]
    [InlineData(SmtpTls.StartTls, "StartTls")]
    public async Task Mail_goes_over_implicit_TLS_or_STARTTLS_and_the_password_only_inside_it(SmtpTls tls, string security)
    {
        await using var smtp = new TestSmtpServer { Tls = tls, OffersAuth = true };
        smtp.Start();
        var settings = Smtp(smtp);
        settings["Mail:Security"] = security;
        settings["Mail:SmtpUser"] = "tandem";
        settings["Mail:SmtpPassword"] = "relay-secret";
        // The throwaway server's certificate is signed by no authority: pinned, as an operator would for a private relay.
        settings["Mail:SmtpCertificateSha256"] = TestSmtpServer.CertificateSha256;
        await using var app = await TandemApp.StartAsync(settings: settings);

        await AskForResetAsync(app, "sam@riverside.test");
        var mail = Assert.Single(await smtp.WaitForAsync(1));

        Assert.True(mail.Secure, "the mail travelled over TLS");
        Assert.Equal(["sam@riverside.test"], mail.To);
        var auth = Assert.Single(smtp.AuthAttempts);
        Assert.Equal((true, "tandem:relay-secret"), auth);
    }

    [Fact]
    public async Task The_password_never_goes_in_clear_text_to_a_mail_server_on_another_machine()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.SkipWhen(address is null, "this machine has no address other than loopback");

        // A careless server on another address: no STARTTLS, but happy to take AUTH PLAIN in clear text.
        await using var smtp = new TestSmtpServer(address) { OffersAuth = true };
        smtp.Start();
        var settings = Smtp(smtp, address!.ToString());
        settings["Mail:SmtpUser"] = "tandem";
        settings["Mail:SmtpPassword"] = "relay-secret";
        await using var app = await TandemApp.StartAsync(settings: settings);

        await AskForResetAsync(app, "sam@riverside.test");
        await WaitUntilAsync(() => smtp.Commands.Any(c => c.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase)));
        await Task.Delay(1000, Ct);

        Assert.Empty(smtp.AuthAttempts);
        Assert.DoesNotContain(smtp.Commands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(smtp.Received);
        await app.WithDbAsync(async db =>
        {
            var waiting = await db.Set<OutboxMessage>().SingleAsync(m => m.Kind == "password-reset", Ct);
            Assert.Null(waiting.SentAt);
            Assert.Null(waiting.FailedAt);
            Assert.Contains("offered no TLS", waiting.LastError, StringComparison.Ordinal);
        });

        // Told to use no TLS at all with a password for another machine, Tandem does not start.
        settings["Mail:Security"] = "None";
        Refusal(settings, "Mail:Security=None would send Mail:SmtpUser's password in clear text");
    }

    [Fact]
    public async Task The_Message_ID_is_in_the_senders_domain_unique_per_mail_and_the_same_on_a_retry()
    {
        var refusedOnce = 0;
        await using var smtp = new TestSmtpServer
        {
            // The first hand-over fails for now (4xx): it is retried, as before.
            Reply = (verb, text) => verb == "DATA-END" && text.Contains("X-Tandem-Kind: password-reset", StringComparison.Ordinal)
                && Interlocked.Exchange(ref refusedOnce, 1) == 0 ? "451 4.3.0 Temporary local problem, try again" : null,
        };
        smtp.Start();
        await using var app = await TandemApp.StartAsync(settings: Smtp(smtp));

        await AskForResetAsync(app, "sam@riverside.test");
        await AskForResetAsync(app, "jordan@riverside.test");
        // Only the two resets count (a demo session's reminder may go out too).
        IReadOnlyList<MimeKit.MimeMessage> Resets(IEnumerable<string> raws) =>
            raws.Select(raw => new ReceivedMail("", [], raw).Parse()).Where(m => m.Headers["X-Tandem-Kind"] == "password-reset").ToList();
        await WaitUntilAsync(() => Resets(smtp.Attempted).Count >= 2);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => Resets(smtp.Received.Select(m => m.Raw)).Count >= 2);
        var mails = Resets(smtp.Received.Select(m => m.Raw));
        var attempted = Resets(smtp.Attempted);

        Assert.Equal(2, mails.Count);
        Assert.Equal(3, attempted.Count);
        var ids = mails.Select(m => m.MessageId).ToList();
        Assert.All(ids, id => Assert.EndsWith("@riverside.example", id, StringComparison.Ordinal));
        Assert.Equal(2, ids.Distinct().Count());
        // The refused first try and its retry carry the same Message-ID.
        var attemptedIds = attempted.Select(m => m.MessageId).ToList();
        Assert.Equal(attemptedIds.Order(), ids.Append(attempted[0].MessageId).Order());
        Assert.Equal("care@riverside.example", Assert.IsType<MimeKit.MailboxAddress>(Assert.Single(mails[0].From)).Address);
    }

    [Fact]
    public async Task A_refused_recipient_is_not_tried_again_and_the_admin_sees_it_without_the_address()
    {
        await using var smtp = new TestSmtpServer
        {
            Reply = (verb, line) => verb == "RCPT" && line.Contains("sam@riverside.test", StringComparison.Ordinal)
                ? "550 5.1.1 <sam@riverside.test>: Recipient address rejected: User unknown in virtual mailbox table"
                : null,
        };
        smtp.Start();
        await using var app = await TandemApp.StartAsync(settings: Smtp(smtp));

        await AskForResetAsync(app, "sam@riverside.test");
        // Refused and recorded first: the clock then jumps hours at a time (a jump during a send would outlast its claim).
        DateTimeOffset? refusedAt = null;
        for (var i = 0; i < 150 && refusedAt is null; i++)
        {
            await Task.Delay(100, Ct);
            await app.WithDbAsync(async db => refusedAt = await db.Set<OutboxMessage>().Where(m => m.Kind == "password-reset").Select(m => m.FailedAt).SingleOrDefaultAsync(Ct));
        }

        for (var i = 0; i < 3; i++)
        {
            app.Clock.Advance(TimeSpan.FromHours(1));
            await app.Service<MailDispatcher>().DispatchDueAsync(Ct);
        }

        // Each mail to Sam was offered once (a demo session's reminder may be among them, refused the same way).
        var toSam = 0;
        for (var i = 0; i < 100 && (toSam == 0 || toSam != smtp.Commands.Count(c => c.StartsWith("RCPT", StringComparison.Ordinal))); i++)
        {
            await Task.Delay(100, Ct);
            await app.WithDbAsync(async db => toSam = await db.Set<OutboxMessage>().CountAsync(m => m.To == "sam@riverside.test", Ct));
        }

        Assert.Equal(toSam, smtp.Commands.Count(c => c.StartsWith("RCPT", StringComparison.Ordinal)));
        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<OutboxMessage>().SingleAsync(m => m.Kind == "password-reset", Ct);
            Assert.NotNull(mail.FailedAt);
            Assert.Null(mail.SentAt);
            Assert.Equal("The mail server refused the recipient (550 5.1.1).", mail.FailureReason);
            Assert.True(mail.NextAttemptAt <= mail.FailedAt, "nothing is scheduled after the refusal");
            Assert.DoesNotContain("@", mail.LastError ?? "", StringComparison.Ordinal);
        });

        using var admin = app.CreateAnonymousClient();
        await PageForms.SignInAsync(admin, "admin@riverside.test");
        var page = await admin.GetStringAsync("/practice/settings", Ct);
        Assert.Contains("Mail problems", page, StringComparison.Ordinal);
        Assert.Contains("password-reset", page, StringComparison.Ordinal);
        Assert.Contains("The mail server refused the recipient (550 5.1.1).", page, StringComparison.Ordinal);
        Assert.DoesNotContain("sam@riverside.test", page, StringComparison.Ordinal);

        using var adminApi = await app.ClientForAsync("admin@riverside.test");
        var problems = await adminApi.GetJsonAsync("/api/practice/mail-problems");
        Assert.Contains(problems.GetProperty("refused").EnumerateArray(), p => p.GetProperty("kind").GetString() == "password-reset");
        Assert.DoesNotContain("@", problems.GetRawText(), StringComparison.Ordinal);
        using var therapist = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await therapist.StatusOfGetAsync("/api/practice/mail-problems"));
    }

    [Fact]
    public async Task A_mail_servers_refusal_that_echoes_the_address_leaves_no_address_in_the_log()
    {
        await using var smtp = new TestSmtpServer
        {
            Reply = (verb, line) => verb switch
            {
                "RCPT" when line.Contains("sam@", StringComparison.Ordinal) => "550 5.1.1 <sam@riverside.test>: Recipient address rejected: User unknown",
                "RCPT" when line.Contains("jordan@", StringComparison.Ordinal) => "450 4.2.0 <jordan@riverside.test>: Recipient address rejected: Greylisted for jordan@riverside.test",
                _ => null,
            },
        };
        smtp.Start();
        var settings = Smtp(smtp);
        string text;
        await using (var app = await TandemApp.StartAsync(settings: settings))
        {
            await AskForResetAsync(app, "sam@riverside.test");
            await AskForResetAsync(app, "jordan@riverside.test");
            await WaitUntilAsync(() => smtp.Commands.Count(c => c.StartsWith("RCPT", StringComparison.Ordinal)) >= 2);
            // The background dispatcher may still be writing its warnings when ours finds nothing due. On a busy machine a
            // first attempt can also fail for a reason of its own (a timeout: "will retry"); the clock then moves past the
            // back-off so the refusal is met again, as it would be in real time.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(app.Log.Text.Contains("refused for good", StringComparison.Ordinal) && app.Log.Text.Contains("will retry", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, "Still no 'refused for good' and 'will retry' in the log after 60 s. Its mail lines: "
                    + string.Join(" | ", app.Log.Text.Split('\n').Where(l => l.Contains("Mail", StringComparison.Ordinal)).Take(20)));
                app.Clock.Advance(TimeSpan.FromMinutes(10));
                await app.Service<MailDispatcher>().DispatchDueAsync(Ct);
                await Task.Delay(200, Ct);
            }

            text = app.Log.Text;
        }

        Assert.DoesNotContain("@riverside.test", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sam@", text, StringComparison.Ordinal);
        Assert.Contains("refused for good", text, StringComparison.Ordinal);
        Assert.Contains("will retry", text, StringComparison.Ordinal);
        Assert.Contains("Greylisted", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Production_SMTP_mail_needs_Mail_From_and_says_so_in_one_line()
    {
        // The real app in Production, as systemd starts it.
        await using var database = await TestDatabase.CreateAsync(seeded: false);
        var folder = Path.Combine(TestEnvironment.RunFolder, $"mail-from-{Guid.NewGuid().ToString("N")[..8]}");
        var settings = TandemProcess.SettingsFor(database, folder);
        settings.Remove("--Mail:Transport=Folder");
        settings.AddRange(["--Mail:Transport=Smtp", "--Mail:SmtpHost=127.0.0.1", "--Tandem:PublicUrl=https://tandem.example.test"]);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TandemProcess.StartAsync(database, folder, Ct, settings: settings));

        Assert.Contains("exited at start with code 1", refused.Message, StringComparison.Ordinal);
        var line = Assert.Single(refused.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1));
        Assert.StartsWith("Tandem cannot start: Mail:From must be set in Production", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mail:From", "not an address", "Mail:From must be an email address")]
    [InlineData("Mail:Security", "Sometimes", "Mail:Security must be Auto, StartTls, SslOnConnect or None")]
    [InlineData("Mail:Security", "7", "Mail:Security must be Auto, StartTls, SslOnConnect or None")]
    public async Task A_mail_setting_Tandem_cannot_read_stops_it_with_a_line_naming_the_setting(string key, string value, string expected)
    {
        await using var smtp = new TestSmtpServer();
        var settings = Smtp(smtp);
        settings[key] = value;
        var message = Refusal(settings, expected);
        Assert.DoesNotContain('\n', message);
    }

    /// <summary>
    /// The settings check the app runs as it is built (a SettingException, which Program prints as
    /// "Tandem cannot start: ..." and exits 1, as the Production test above shows for Mail:From).
    /// </summary>
    private static string Refusal(Dictionary<string, string?> settings, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Action validate = () => MailSettings.Validate(config);
        var refused = Assert.Throws<Tandem.Infrastructure.Hosting.SettingException>(validate);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        return refused.Message;
    }

    [Fact]
    public async Task A_mail_waiting_out_its_back_off_is_not_claimed_by_a_node_that_listed_it_earlier()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        var now = app.Clock.GetUtcNow();
        // As a failed attempt leaves it: not claimed, next attempt 10 s from now.
        var message = OutboxMessage.Create(Guid.NewGuid(), "someone@example.test", "Hello", "Hello.", "test", now, delay: TimeSpan.FromSeconds(10));
        await app.WithDbAsync(async db =>
        {
            db.Set<OutboxMessage>().Add(message);
            await db.SaveChangesAsync(Ct);
        });

        var claims = new List<bool>();
        foreach (var at in new[] { now, now + TimeSpan.FromSeconds(11), now + TimeSpan.FromSeconds(12) })
        {
            await app.WithDbAsync(async db => claims.Add(await MailDispatcher.ClaimAsync(db, message.Id, at, "node-" + claims.Count, Ct)));
        }

        // Not before its time; then exactly one node gets it.
        Assert.Equal([false, true, false], claims);
    }
}
