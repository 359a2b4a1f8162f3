using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
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

    private static async Task WaitUntilAsync(Func<bool> condition, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition() && DateTime.UtcNow < until)
        {
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
        await RefusalAsync(settings, "Mail:Security=None would send Mail:SmtpUser's password in clear text");
    }

    [Fact]
    public async Task The_Message_ID_is_in_the_senders_domain_unique_per_mail_and_the_same_on_a_retry()
    {
        var refusedOnce = 0;
        await using var smtp = new TestSmtpServer
        {
            // The first hand-over fails for now (4xx): it is retried, as before.
            Reply = (verb, _) => verb == "DATA-END" && Interlocked.Exchange(ref refusedOnce, 1) == 0 ? "451 4.3.0 Temporary local problem, try again" : null,
        };
        smtp.Start();
        await using var app = await TandemApp.StartAsync(settings: Smtp(smtp));

        await AskForResetAsync(app, "sam@riverside.test");
        await AskForResetAsync(app, "jordan@riverside.test");
        await WaitUntilAsync(() => smtp.Attempted.Count >= 2);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var mails = await smtp.WaitForAsync(2);

        Assert.Equal(2, mails.Count);
        Assert.Equal(3, smtp.Attempted.Count);
        var ids = mails.Select(m => m.Parse().MessageId).ToList();
        Assert.All(ids, id => Assert.EndsWith("@riverside.example", id, StringComparison.Ordinal));
        Assert.Equal(2, ids.Distinct().Count());
        var attemptedIds = smtp.Attempted.Select(raw => new ReceivedMail("", [], raw).Parse().MessageId).ToList();
        Assert.Equal(2, attemptedIds.Distinct().Count());
        Assert.Equal(attemptedIds.Order(), ids.Append(attemptedIds[0]).Order());
        Assert.Equal("care@riverside.example", Assert.IsType<MimeKit.MailboxAddress>(Assert.Single(mails[0].Parse().From)).Address);
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
        await WaitUntilAsync(() => smtp.Commands.Any(c => c.StartsWith("RCPT", StringComparison.Ordinal)));
        for (var i = 0; i < 3; i++)
        {
            app.Clock.Advance(TimeSpan.FromHours(1));
            await app.Service<MailDispatcher>().DispatchDueAsync(Ct);
        }

        Assert.Single(smtp.Commands, c => c.StartsWith("RCPT", StringComparison.Ordinal));
        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<OutboxMessage>().SingleAsync(m => m.Kind == "password-reset", Ct);
            Assert.NotNull(mail.FailedAt);
            Assert.Null(mail.SentAt);
            Assert.Equal("The mail server refused the recipient (550 5.1.1).", mail.FailureReason);
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
        var refused = Assert.Single(problems.GetProperty("refused").EnumerateArray());
        Assert.Equal("password-reset", refused.GetProperty("kind").GetString());
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
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await app.Service<MailDispatcher>().DispatchDueAsync(Ct);
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
        await using var smtp = new TestSmtpServer();
        var settings = Smtp(smtp);
        settings.Remove("Mail:From");
        settings["environment"] = "Production";
        var message = await RefusalAsync(settings, "Mail:From must be set in Production");
        Assert.DoesNotContain('\n', message);

        settings["Mail:From"] = "not an address";
        settings["environment"] = "Test";
        await RefusalAsync(settings, "Mail:From must be an email address");

        settings["Mail:From"] = From;
        settings["Mail:Security"] = "Sometimes";
        await RefusalAsync(settings, "Mail:Security must be Auto, StartTls, SslOnConnect or None");
    }

    /// <summary>Starts an app that must refuse to start; returns the message of the exception that said why.</summary>
    private static async Task<string> RefusalAsync(Dictionary<string, string?> settings, string expected)
    {
        await using var database = await TestDatabase.CreateAsync(seeded: false);
        await using var app = new TandemApp(database, seeded: false, settings);
        var refused = Assert.ThrowsAny<Exception>(() => _ = app.Server);
        for (Exception? e = refused; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains(expected, StringComparison.Ordinal))
            {
                return e.Message;
            }
        }

        Assert.Fail($"Expected '{expected}', got: {refused}");
        return "";
    }
}
