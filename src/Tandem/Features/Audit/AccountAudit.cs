using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Tandem.Features.Accounts;

namespace Tandem.Features.Audit;

/// <summary>
/// Permission and credential changes are audited where they are saved, whichever page or
/// endpoint made them: account created, deactivated or restored, role, password, two-factor,
/// passkeys, lockout. The entry names what changed, never the secret.
/// </summary>
internal static class AccountAudit
{
    public static void StageChanges(ChangeTracker tracker, AuditTrail audit)
    {
        foreach (var entry in tracker.Entries<TandemUser>())
        {
            var user = entry.Entity;
            foreach (var what in Changes(entry))
            {
                audit.Stage(new AuditEvent
                {
                    Action = entry.State == EntityState.Added ? AuditAction.Create : AuditAction.Update,
                    ObjectType = what,
                    ObjectId = user.Id.ToString(),
                    SubjectUserId = user.Id,
                    PracticeId = user.PracticeId,
                    DataCategory = AuditCategories.Security,
                    Purpose = AuditPurposes.Administration,
                });
            }
        }

        foreach (var entry in tracker.Entries<IdentityUserPasskey<Guid>>().Where(e => e.State is EntityState.Added or EntityState.Deleted))
        {
            var owner = tracker.Entries<TandemUser>().FirstOrDefault(u => u.Entity.Id == entry.Entity.UserId)?.Entity;
            audit.Stage(new AuditEvent
            {
                Action = entry.State == EntityState.Added ? AuditAction.Create : AuditAction.Delete,
                ObjectType = "Account.Passkey",
                ObjectId = entry.Entity.UserId.ToString(),
                SubjectUserId = entry.Entity.UserId,
                PracticeId = owner?.PracticeId,
                DataCategory = AuditCategories.Security,
                Purpose = AuditPurposes.Administration,
            });
        }
    }

    private static IEnumerable<string> Changes(EntityEntry<TandemUser> entry)
    {
        if (entry.State == EntityState.Added)
        {
            yield return "Account";
            yield break;
        }

        if (entry.State != EntityState.Modified)
        {
            yield break;
        }

        bool Changed(string property) => entry.Property(property).IsModified && !Equals(entry.Property(property).OriginalValue, entry.Property(property).CurrentValue);

        if (Changed(nameof(TandemUser.IsActive)))
        {
            yield return entry.Entity.IsActive ? "Account.Reactivated" : "Account.Deactivated";
        }

        if (Changed(nameof(TandemUser.Role)))
        {
            yield return "Account.Role";
        }

        if (Changed(nameof(TandemUser.PasswordHash)))
        {
            yield return "Account.Password";
        }

        if (Changed(nameof(TandemUser.TwoFactorEnabled)))
        {
            yield return entry.Entity.TwoFactorEnabled ? "Account.TwoFactorOn" : "Account.TwoFactorOff";
        }

        if (Changed(nameof(TandemUser.LockoutEnd)) && entry.Entity.LockoutEnd is { } end && end > DateTimeOffset.UtcNow)
        {
            yield return "Account.LockedOut";
        }

        if (Changed(nameof(TandemUser.Email)))
        {
            yield return "Account.Email";
        }
    }
}
