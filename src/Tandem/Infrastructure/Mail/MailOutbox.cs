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
}
