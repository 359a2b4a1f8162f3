using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;

namespace Tandem.Infrastructure.Mail;

/// <summary>
/// Sends what the outbox holds, oldest first, each message once: it is marked sent in the
/// same step that follows a successful hand-over, and retried with back-off when the server
/// is away. Woken when mail is queued; otherwise polls.
/// </summary>
public sealed class MailDispatcher(IServiceScopeFactory scopes, IOptions<MailSettings> settings, TimeProvider time, ILogger<MailDispatcher> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    public void Wake() => _wake.Release();

    /// <summary>Sends every due message now (also used by tests and the CLI).</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var transport = scope.ServiceProvider.GetRequiredService<IMailTransport>();
        using var system = db.Tenant.AsSystem();
        var now = time.GetUtcNow();
        var due = await db.Set<OutboxMessage>()
            .Where(m => m.SentAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.CreatedAt)
            .Take(50)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var message in due)
        {
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
