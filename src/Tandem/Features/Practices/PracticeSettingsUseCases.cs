using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Practices;

public sealed record PracticeSettingsView(string PracticeName, string ExpectedReply, string CrisisInformation, DateTimeOffset? UpdatedAt);

/// <summary>
/// Anyone signed in reads their own practice's settings (the client sees the expected reply
/// time and the crisis information); only the practice admin changes them.
/// </summary>
public sealed class PracticeSettingsUseCases(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public async Task<PracticeSettingsView> GetAsync(CancellationToken ct = default)
    {
        var practiceId = me.PracticeId;
        var name = await db.Practices.AsNoTracking().Where(p => p.Id == practiceId).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? "";
        var settings = await db.Set<PracticeSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.PracticeId == practiceId, ct)
            ?? PracticeSettings.Defaults(practiceId);
        return new PracticeSettingsView(name, settings.ExpectedReply, settings.CrisisInformation, settings.UpdatedAt);
    }

    public async Task<PracticeSettingsView> UpdateAsync(string? expectedReply, string? crisisInformation, CancellationToken ct = default)
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }

        var practiceId = me.PracticeId;
        var settings = await db.Set<PracticeSettings>().FirstOrDefaultAsync(s => s.PracticeId == practiceId, ct);
        if (settings is null)
        {
            settings = PracticeSettings.Defaults(practiceId);
            db.Set<PracticeSettings>().Add(settings);
        }

        settings.Update(expectedReply, crisisInformation, me.Id, time.GetUtcNow());
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = "PracticeSettings",
            ObjectId = practiceId.ToString(),
            DataCategory = AuditCategories.Administrative,
            Purpose = AuditPurposes.Administration,
        });
        await db.SaveChangesAsync(ct);
        return await GetAsync(ct);
    }
}
