using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Mail;

namespace Tandem.Features.Sessions;

/// <summary>
/// Queues a reminder through the mail outbox the practice's chosen hours (24 by default) before each scheduled session,
/// once, to every current participant. The mail says when (in the reader's own zone) and
/// links to Tandem (for an online session in Tandem, to its room, which asks for sign-in); never a name, a title, a
/// place or anything clinical.
/// </summary>
public sealed class SessionReminders(IServiceScopeFactory scopes, TimeProvider time, SessionReminders.Timing timing, ILogger<SessionReminders> logger) : BackgroundService
{
    /// <summary>How often due reminders are looked for (<c>Sessions:ReminderInterval</c>, five minutes), read as the app is built.</summary>
    public sealed record Timing(TimeSpan Interval)
    {
        public static Timing From(IConfiguration config) => new(Infrastructure.Hosting.Setting.Get(config, "Sessions:ReminderInterval", TimeSpan.FromMinutes(5)));
    }

    public static readonly TimeSpan Lead = TimeSpan.FromHours(24);

    /// <summary>Queues every reminder that is due now; returns how many mails were queued.</summary>
    public async Task<int> QueueDueAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var mail = scope.ServiceProvider.GetRequiredService<MailOutbox>();
        var links = scope.ServiceProvider.GetRequiredService<LinkBuilder>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        using var system = db.Tenant.AsSystem();
        var now = time.GetUtcNow();
        // Each practice chooses how long before (Practice settings, 1 to 72 hours; 24 by default).
        var horizon = now + TimeSpan.FromHours(PracticeSettings.MaxReminderHours);
        var due = await db.Set<Session>().AsNoTracking()
            .Where(s => s.Status == SessionStatus.Scheduled && s.ReminderQueuedAt == null && s.StartsAt > now && s.StartsAt <= horizon)
            .OrderBy(s => s.StartsAt).Take(1000).ToListAsync(ct);
        var practiceIds = due.Select(s => s.PracticeId).Distinct().ToList();
        var leads = await db.Set<PracticeSettings>().AsNoTracking().Where(p => practiceIds.Contains(p.PracticeId))
            .Select(p => new { p.PracticeId, p.ReminderHoursBefore }).ToDictionaryAsync(p => p.PracticeId, p => TimeSpan.FromHours(p.ReminderHoursBefore), ct);
        due = due.Where(s => s.StartsAt <= now + leads.GetValueOrDefault(s.PracticeId, Lead)).Take(200).ToList();
        if (due.Count == 0)
        {
            return 0;
        }

        var engagementIds = due.Select(s => s.EngagementId).Distinct().ToList();
        var people = await db.Participants.AsNoTracking()
            .Where(p => engagementIds.Contains(p.EngagementId) && p.LeftAt == null)
            .Join(db.Users.Where(u => u.IsActive && u.Email != null), p => p.UserId, u => u.Id, (p, u) => new { p.EngagementId, u.Id, u.Email, u.TimeZone })
            .ToListAsync(ct);
        var queued = 0;
        // One transaction: each session is claimed by a conditional update (no reminder yet, still planned, still at the
        // time read above), and its mails and audit entry are written with the claim or not at all. The claim leaves the
        // session's version alone: a reminder is bookkeeping, not an edit, so a therapist moving or cancelling the session
        // at that moment is not told someone else changed it (before, their change was refused with 412). Two web nodes
        // sweeping at once: the second's claim finds the reminder taken and sends nothing.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var session in due)
        {
            var claimed = await db.Set<Session>()
                .Where(s => s.Id == session.Id && s.ReminderQueuedAt == null && s.Status == SessionStatus.Scheduled && s.StartsAt == session.StartsAt)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ReminderQueuedAt, now), ct);
            if (claimed == 0)
            {
                continue;
            }

            foreach (var person in people.Where(p => p.EngagementId == session.EngagementId))
            {
                var local = TimeZones.ToLocal(session.StartsAt, person.TimeZone);
                var when = local.ToString("dddd d MMMM 'at' HH:mm", CultureInfo.GetCultureInfo("en-GB"));
                mail.Enqueue(session.PracticeId, person.Email!, session.IsVideo ? "Reminder: an online session in Tandem" : "Reminder: a session in Tandem",
                    session.IsVideo
                        ? $"You have an online session on {when} ({person.TimeZone}). The call is in Tandem, nothing to install.\n\n" +
                          $"{CalendarFeeds.JoinSentence(links.Base, session.Id)}\n\n" +
                          "The same page holds the agenda, if you want to add to it before.\n"
                        : $"You have a session on {when} ({person.TimeZone}).\n\n" +
                          $"Open Tandem for the details and to add to the agenda: {links.Base}/sessions/{session.Id}\n",
                    "session-reminder");
                queued++;
            }

            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Execute,
                ObjectType = "SessionReminder",
                ObjectId = session.Id.ToString(),
                EngagementId = session.EngagementId,
                PracticeId = session.PracticeId,
                DataCategory = AuditCategories.Administrative,
                Purpose = "reminder",
                Role = "System",
            });
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Task.Delay takes at most about 49 days; a longer sweep interval would fail every round.
        var interval = Math.Clamp(timing.Interval.Ticks, TimeSpan.TicksPerSecond, TimeSpan.FromDays(30).Ticks);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromTicks(interval), time, stoppingToken);
                await QueueDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError(ex, "Session reminders failed; will try again");
            }
        }
    }
}
