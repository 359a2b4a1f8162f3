using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Notifications;

public sealed record NotificationPreferencesView(bool NewMessages, bool Invitations, bool ProposalsWaiting, bool MeasuresDue, bool SessionReminders);

/// <summary>Each person reads and sets their own notification choices; nobody else's.</summary>
public sealed class NotificationPreferenceUseCases(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public async Task<NotificationPreferencesView> GetAsync(CancellationToken ct = default)
    {
        var userId = me.Id;
        var found = await db.Set<NotificationPreferences>().AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct)
            ?? NotificationPreferences.Defaults(me.PracticeId, userId);
        return ToView(found);
    }

    public async Task<NotificationPreferencesView> SetAsync(NotificationPreferencesView wanted, CancellationToken ct = default)
    {
        var userId = me.Id;
        var preferences = await db.Set<NotificationPreferences>().FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (preferences is null)
        {
            preferences = NotificationPreferences.Defaults(me.PracticeId, userId);
            db.Set<NotificationPreferences>().Add(preferences);
        }

        preferences.Set(wanted.NewMessages, wanted.Invitations, wanted.ProposalsWaiting, wanted.MeasuresDue, wanted.SessionReminders, time.GetUtcNow());
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = "NotificationPreferences",
            ObjectId = userId.ToString(),
            SubjectUserId = userId,
            DataCategory = AuditCategories.Personal,
            Purpose = AuditPurposes.Administration,
        });
        await db.SaveChangesAsync(ct);
        return ToView(preferences);
    }

    private static NotificationPreferencesView ToView(NotificationPreferences p) =>
        new(p.NewMessages, p.Invitations, p.ProposalsWaiting, p.MeasuresDue, p.SessionReminders);
}
