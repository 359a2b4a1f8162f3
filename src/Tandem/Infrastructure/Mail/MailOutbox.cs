using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Infrastructure.Mail;

/// <summary>Queues a notification in the caller's unit of work; it is sent after the change commits.</summary>
public sealed class MailOutbox(TandemDbContext db, TimeProvider time, MailDispatcher dispatcher)
{
    public void Enqueue(Guid practiceId, string to, string subject, string textBody, string kind)
    {
        db.Set<OutboxMessage>().Add(OutboxMessage.Create(practiceId, to, subject, textBody, kind, time.GetUtcNow()));
        dispatcher.Wake();
    }

    /// <summary>
    /// Queues a mail that goes out after <paramref name="delay"/> unless one with the same key is
    /// already waiting, in which case that one covers this too. Returns whether a row was added.
    /// Two requests racing here can both add one (at worst a second identical email); the
    /// dispatcher's claims still send each row once.
    /// </summary>
    public async Task<bool> EnqueueCoalescedAsync(Guid practiceId, string to, string subject, string textBody, string kind,
        string coalesceKey, TimeSpan delay, CancellationToken ct = default)
    {
        var set = db.Set<OutboxMessage>();
        var waitingHere = set.Local.Any(m => m.CoalesceKey == coalesceKey && m.SentAt is null && m.FailedAt is null);
        if (waitingHere || await set.Where(OutboxMessage.Waiting).AnyAsync(m => m.CoalesceKey == coalesceKey, ct))
        {
            return false;
        }

        set.Add(OutboxMessage.Create(practiceId, to, subject, textBody, kind, time.GetUtcNow(), coalesceKey, delay));
        dispatcher.Wake();
        return true;
    }
}
