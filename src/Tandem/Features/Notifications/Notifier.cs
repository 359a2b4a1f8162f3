using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Mail;

namespace Tandem.Features.Notifications;

/// <summary>Configuration section "Notifications".</summary>
public sealed class NotificationOptions
{
    /// <summary>
    /// How long a new-message email waits before it goes: messages in that window (and until
    /// it is sent) become one email, so a burst of messages is not a burst of emails.
    /// </summary>
    public TimeSpan MessageDelay { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Tells people by email that something is waiting for them in Tandem, if they want that kind
/// of email. Other features call <see cref="NotifyAsync"/> inside their unit of work; the mail
/// goes through the durable outbox once the change commits. The email never carries clinical
/// content or anyone else's name: only what kind of thing is waiting, and a link.
/// </summary>
public sealed class Notifier(TandemDbContext db, MailOutbox outbox, LinkBuilder links, IOptions<NotificationOptions> options)
{
    /// <summary>Queues one email per person (coalesced per person and kind); returns how many were queued.</summary>
    public async Task<int> NotifyAsync(IEnumerable<Guid> userIds, string kind, CancellationToken ct = default)
    {
        var ids = userIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        var people = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id) && u.IsActive && u.Email != null)
            .Select(u => new { u.Id, u.PracticeId, Email = u.Email! })
            .ToListAsync(ct);
        var preferences = await db.Set<NotificationPreferences>().AsNoTracking()
            .Where(p => ids.Contains(p.UserId))
            .ToDictionaryAsync(p => p.UserId, ct);
        var (subject, line) = Wording(kind);
        var delay = kind == NotificationKinds.NewMessage ? options.Value.MessageDelay : TimeSpan.Zero;
        var queued = 0;
        foreach (var person in people)
        {
            if (preferences.TryGetValue(person.Id, out var chosen) && !chosen.Wants(kind))
            {
                continue;
            }

            var body = $"Hello,\n\n{line}\n\nOpen Tandem to see it: {links.Home}\n\n" +
                       "For your privacy this email never includes what was written or who wrote it.\n" +
                       $"Choose which emails you get: {links.Base}/Account/Manage/Notifications\n";
            if (await outbox.EnqueueCoalescedAsync(person.PracticeId, person.Email, subject, body, kind, $"{kind}:{person.Id:N}", delay, ct))
            {
                queued++;
            }
        }

        return queued;
    }

    private static (string Subject, string Line) Wording(string kind) => kind switch
    {
        NotificationKinds.NewMessage => ("You have a new message in Tandem", "You have a new message in Tandem."),
        NotificationKinds.Invitation => ("You have an invitation in Tandem", "You have been invited to new work in Tandem."),
        NotificationKinds.ProposalWaiting => ("A proposal is waiting for you in Tandem", "A proposal is waiting for your answer in Tandem."),
        NotificationKinds.MeasureDue => ("A questionnaire is waiting for you in Tandem", "A questionnaire is ready for you to fill in in Tandem."),
        NotificationKinds.SessionReminder => ("A reminder from Tandem", "You have a session coming up. The details are in Tandem."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown notification kind."),
    };
}
