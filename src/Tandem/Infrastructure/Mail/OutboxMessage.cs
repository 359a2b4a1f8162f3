using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Mail;

/// <summary>
/// An email waiting to be sent. Written in the same transaction as the change that causes it,
/// sent by <see cref="MailDispatcher"/> with retries, so a mail server outage loses nothing.
/// Never holds clinical content: only "there is something for you in Tandem" and a link.
/// </summary>
public sealed class OutboxMessage : IPracticeScoped
{
    private OutboxMessage()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public string To { get; private set; } = "";

    public string Subject { get; private set; } = "";

    public string TextBody { get; private set; } = "";

    /// <summary>What kind of notification, for preferences and tests (e.g. "invitation").</summary>
    public string Kind { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>When the mail server refused this mail for good (a 5xx reply): it is not tried again.</summary>
    public DateTimeOffset? FailedAt { get; private set; }

    /// <summary>Why, in a few words and reply codes, never an address ("The mail server refused the recipient (550 5.1.1).").</summary>
    public string? FailureReason { get; private set; }

    public const int FailureReasonMaxLength = 200;

    /// <summary>Still to be sent: neither sent nor refused for good.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<OutboxMessage, bool>> Waiting = m => m.SentAt == null && m.FailedAt == null;

    /// <summary>
    /// Notifications with the same key while one is still waiting are one email (a burst of
    /// messages is one "you have a new message"), e.g. "new-message:{userId}".
    /// </summary>
    public string? CoalesceKey { get; private set; }

    /// <summary>
    /// A dispatcher (on any web node) owns the row until then: it claims the row with one
    /// conditional UPDATE before sending, so two nodes never send the same email. A node that
    /// dies mid-send leaves a claim that simply expires.
    /// </summary>
    public DateTimeOffset? ClaimedUntil { get; private set; }

    public string? ClaimedBy { get; private set; }

    public static OutboxMessage Create(Guid practiceId, string to, string subject, string textBody, string kind, DateTimeOffset now,
        string? coalesceKey = null, TimeSpan delay = default) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = practiceId,
        To = to,
        Subject = subject,
        TextBody = textBody,
        Kind = kind,
        CreatedAt = now,
        NextAttemptAt = now + delay,
        CoalesceKey = coalesceKey,
    };

    public void MarkSent(DateTimeOffset now)
    {
        SentAt = now;
        LastError = null;
        ClaimedUntil = null;
    }

    /// <summary>A permanent refusal (RFC 5321 5xx): sending the same mail again cannot succeed, so it stops here.</summary>
    public void MarkUndeliverable(string reason, DateTimeOffset now)
    {
        Attempts++;
        FailedAt = now;
        FailureReason = reason.Length > FailureReasonMaxLength ? reason[..FailureReasonMaxLength] : reason;
        LastError = FailureReason;
        ClaimedUntil = null;
    }

    /// <summary>Backs off 10 s, 20 s, 40 s ... up to 15 minutes between tries; never gives up.</summary>
    public void MarkFailed(string error, DateTimeOffset now)
    {
        Attempts++;
        LastError = error.Length > 500 ? error[..500] : error;
        var delay = TimeSpan.FromSeconds(Math.Min(900, 10 * Math.Pow(2, Math.Min(Attempts - 1, 10))));
        NextAttemptAt = now + delay;
        ClaimedUntil = null;
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.To).HasMaxLength(254);
        builder.Property(m => m.Subject).HasMaxLength(200);
        builder.Property(m => m.TextBody).HasMaxLength(4000);
        builder.Property(m => m.Kind).HasMaxLength(40);
        builder.Property(m => m.LastError).HasMaxLength(500);
        builder.Property(m => m.CoalesceKey).HasMaxLength(120);
        builder.Property(m => m.ClaimedBy).HasMaxLength(80);
        builder.Property(m => m.FailureReason).HasMaxLength(OutboxMessage.FailureReasonMaxLength);
        // The admin's "Mail problems" list: a practice's refused mail, newest first.
        builder.HasIndex(m => new { m.PracticeId, m.FailedAt });
        builder.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
        builder.HasIndex(m => new { m.CoalesceKey, m.SentAt });
    }
}
