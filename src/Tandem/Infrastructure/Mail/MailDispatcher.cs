using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
        using var system = db.Tenant.AsSystem();
        var now = time.GetUtcNow();
        var due = await db.Set<OutboxMessage>()
            .Where(m => m.SentAt == null && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .OrderBy(m => m.CreatedAt)
            .Select(m => m.Id)
            .Take(50)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
        {
            // Claim first, in one conditional UPDATE: of two nodes (or two loops) that saw the
            // same row, exactly one gets 1 here and sends; the other moves on.
            var claimedAt = time.GetUtcNow();
            var claimed = await db.Set<OutboxMessage>()
                .Where(m => m.Id == id && m.SentAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < claimedAt))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedUntil, claimedAt + ClaimLease).SetProperty(m => m.ClaimedBy, _node), ct);
            if (claimed == 0)
            {
                continue;
            }

            var message = await db.Set<OutboxMessage>().FirstAsync(m => m.Id == id, ct);
            try
            {
                await transport.SendAsync(ToMime(message), ct);
                message.MarkSent(time.GetUtcNow());
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                message.MarkFailed(ex.GetType().Name + ": " + ex.Message, time.GetUtcNow());
                logger.LogWarning("Mail {Id} not sent (attempt {Attempts}): {Error}", message.Id, message.Attempts, ex.Message);
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        return sent;
    }

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
                logger.LogError(ex, "Mail dispatch failed; will try again");
            }
        }
    }

    private static string NodeName()
    {
        var name = $"{Guid.NewGuid():N}@{Environment.MachineName}";
        return name.Length > 80 ? name[..80] : name;
    }

    private MimeMessage ToMime(OutboxMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(settings.Value.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.MessageId = $"{message.Id:N}@tandem";
        mime.Headers.Add("X-Tandem-Kind", message.Kind);
        mime.Body = new TextPart("plain") { Text = message.TextBody };
        return mime;
    }
}
