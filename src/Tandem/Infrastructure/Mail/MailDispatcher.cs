using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MailKit.Net.Smtp;
using MimeKit;
using Tandem.Data;

namespace Tandem.Infrastructure.Mail;

/// <summary>
/// Sends what the outbox holds, oldest first, each message once: a row is claimed (one
/// conditional UPDATE, so of several web nodes only one sends it), handed to the server, then
/// marked sent; when the server is away it is retried with back-off and nothing is lost.
/// Woken when mail is queued; otherwise polls.
/// </summary>
public sealed class MailDispatcher(IServiceScopeFactory scopes, IOptions<MailSettings> settings, TimeProvider time, ILogger<MailDispatcher> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    public void Wake() => _wake.Release();

    /// <summary>How long a claim holds; far longer than one SMTP hand-over (15 s timeout).</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    /// <summary>Names this dispatcher in claims, so a row is only finished by whoever claimed it.</summary>
    private readonly string _node = NodeName();

    /// <summary>Sends every due message now (also used by tests and the CLI).</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var transport = scope.ServiceProvider.GetRequiredService<IMailTransport>();
        var lookup = scope.ServiceProvider.GetService<IMailLook>();
        var looks = new Dictionary<Guid, MailLook?>();
        using var system = db.Tenant.AsSystem();
        var now = time.GetUtcNow();
        var due = await db.Set<OutboxMessage>()
            .Where(OutboxMessage.Waiting)
            .Where(m => m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .OrderBy(m => m.CreatedAt)
            .Select(m => m.Id)
            .Take(50)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
        {
            if (!await ClaimAsync(db, id, time.GetUtcNow(), _node, ct))
            {
                continue;
            }

            var message = await db.Set<OutboxMessage>().FirstAsync(m => m.Id == id, ct);
            try
            {
                if (lookup is not null && !looks.ContainsKey(message.PracticeId))
                {
                    looks[message.PracticeId] = await lookup.ForAsync(message.PracticeId, ct);
                }

                await transport.SendAsync(ToMime(message, looks.GetValueOrDefault(message.PracticeId)), ct);
                message.MarkSent(time.GetUtcNow());
                sent++;
            }
            catch (SmtpCommandException ex) when (MailFailure.IsPermanent(ex))
            {
                // A 5xx reply: the same mail would be refused again. Stop, and show the admin (practice settings, "Mail problems").
                message.MarkUndeliverable(MailFailure.Reason(ex), time.GetUtcNow());
                logger.LogWarning("Mail {Id} ({Kind}) refused for good and not retried: {Reason} The server said: {Reply}",
                    message.Id, message.Kind, message.FailureReason, MailFailure.Redacted(ex.Message));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Transient (4xx, no connection, a timeout): retried with back-off. The server's words may echo the
                // recipient's address, so neither the log nor the stored error keeps one (issue 26, item 6).
                var error = MailFailure.Redacted(ex.Message);
                // Stored for the admin to read: the reason in words, not the exception type.
                message.MarkFailed(error, time.GetUtcNow());
                logger.LogWarning("Mail {Id} ({Kind}) not sent (attempt {Attempts}), will retry: {Error}", message.Id, message.Kind, message.Attempts, error);
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        return sent;
    }

    /// <summary>
    /// Claims a due row in one conditional UPDATE: of two nodes (or two loops) that saw the same row, exactly one gets it
    /// and sends; the other moves on. "Due" is checked again here, not only when the list was read: a row whose attempt
    /// failed meanwhile waits out its back-off instead of being sent at once by a node that read the list before.
    /// </summary>
    internal static async Task<bool> ClaimAsync(TandemDbContext db, Guid id, DateTimeOffset now, string node, CancellationToken ct) =>
        await db.Set<OutboxMessage>()
            .Where(m => m.Id == id && m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedUntil, now + ClaimLease).SetProperty(m => m.ClaimedBy, node), ct) == 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(settings.Value.PollInterval, stoppingToken);
                // Let the transaction that queued the mail commit first.
                await Task.Delay(50, stoppingToken);
                while (await DispatchDueAsync(stoppingToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError("Mail dispatch failed; will try again: {Error}", Hosting.LogRedaction.Redact(ex.ToString()));
            }
        }
    }

    private static string NodeName()
    {
        var name = $"{Guid.NewGuid():N}@{Environment.MachineName}";
        return name.Length > 80 ? name[..80] : name;
    }

    private MimeMessage ToMime(OutboxMessage message, MailLook? look)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(settings.Value.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        // In the sender's own domain (what spam filters expect), unique per mail and the same on every retry of it,
        // so a receiving server that got a first attempt whose reply was lost can tell the retry is the same mail.
        mime.MessageId = $"{message.Id:N}@{MailSettings.SenderDomain(settings.Value.From) ?? "tandem.invalid"}";
        mime.Headers.Add("X-Tandem-Kind", message.Kind);
        // The same words twice: plain text, and HTML in the practice's colour with its name (issue 21).
        if (look is null)
        {
            mime.Body = new TextPart("plain") { Text = message.TextBody };
            return mime;
        }

        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = MailHtml.Render(look, message.TextBody) };
        if (look.Logo is { Length: > 0 } logo && ContentType.TryParse(look.LogoContentType ?? "", out var type))
        {
            var part = body.LinkedResources.Add("logo" + (type.MediaSubtype == "png" ? ".png" : ".jpg"), logo, type);
            part.ContentId = MailLook.LogoContentId;
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }
}
