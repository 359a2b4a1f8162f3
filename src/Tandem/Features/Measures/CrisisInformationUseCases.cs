using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Measures;

public sealed record CrisisInformationView(string Text, bool IsDefault, DateTimeOffset? UpdatedAt);

/// <summary>The practice's crisis information: read by everyone signed in, changed by the practice admin.</summary>
public sealed class CrisisInformationUseCases(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public async Task<string> TextAsync(CancellationToken ct = default) => (await GetAsync(ct)).Text;

    public async Task<CrisisInformationView> GetAsync(CancellationToken ct = default)
    {
        var practiceId = me.PracticeId;
        var info = await db.Set<CrisisInformation>().AsNoTracking().FirstOrDefaultAsync(c => c.PracticeId == practiceId, ct);
        return info is null ? new(CrisisInformation.DefaultText, true, null) : new(info.Text, false, info.UpdatedAt);
    }

    public async Task<CrisisInformationView> UpdateAsync(string text, CancellationToken ct = default)
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }

        var practiceId = me.PracticeId;
        var info = await db.Set<CrisisInformation>().FirstOrDefaultAsync(c => c.PracticeId == practiceId, ct);
        if (info is null)
        {
            info = CrisisInformation.Create(practiceId, text, me.Id, time.GetUtcNow());
            db.Add(info);
        }
        else
        {
            info.Update(text, me.Id, time.GetUtcNow());
        }

        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = "CrisisInformation",
            ObjectId = practiceId.ToString(),
            DataCategory = AuditCategories.Administrative,
            Purpose = AuditPurposes.Administration,
        });
        await db.SaveChangesAsync(ct);
        return new(info.Text, false, info.UpdatedAt);
    }
}
