using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.GettingStarted;

/// <summary>A therapist's own directory listing, as they edit it.</summary>
public sealed record MyDirectoryProfile(
    Guid? PublicId,
    bool IsListed,
    string ProfileText,
    IReadOnlyList<string> Approaches,
    IReadOnlyList<string> Languages,
    bool OffersClientLed,
    bool OffersTherapistLed,
    bool Online,
    bool InPerson,
    bool AcceptingNewClients);

/// <summary>A therapist lists themselves in the directory (or stops), in their own words.</summary>
public sealed class DirectoryProfileUseCases(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public async Task<MyDirectoryProfile> GetMineAsync(CancellationToken ct = default)
    {
        RequireTherapist();
        var userId = me.Id;
        var profile = await db.Set<DirectoryProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct);
        return profile is null ? new MyDirectoryProfile(null, false, "", [], [], true, false, true, false, false) : ToView(profile);
    }

    public async Task<MyDirectoryProfile> SaveMineAsync(DirectoryProfileChange change, CancellationToken ct = default)
    {
        RequireTherapist();
        var userId = me.Id;
        var now = time.GetUtcNow();
        var profile = await db.Set<DirectoryProfile>().FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (profile is null)
        {
            profile = DirectoryProfile.CreateFor(me.PracticeId, userId, now);
            db.Add(profile);
        }

        profile.Update(change, now);
        audit.Stage(new AuditEvent
        {
            Action = db.Entry(profile).State == EntityState.Added ? AuditAction.Create : AuditAction.Update,
            ObjectType = "DirectoryProfile",
            ObjectId = profile.Id.ToString(),
            SubjectUserId = userId,
            DataCategory = AuditCategories.Administrative,
            Purpose = AuditPurposes.Administration,
        });
        await db.SaveChangesAsync(ct);
        return ToView(profile);
    }

    private void RequireTherapist()
    {
        if (!me.IsSignedIn || !me.IsTherapist)
        {
            throw DomainException.NotFound();
        }
    }

    private static MyDirectoryProfile ToView(DirectoryProfile p) => new(
        p.Id, p.IsListed, p.ProfileText, p.Approaches, p.Languages, p.OffersClientLed, p.OffersTherapistLed, p.Online, p.InPerson, p.AcceptingNewClients);
}
