using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Practices;

namespace Tandem.Features.Measures;

/// <summary>
/// A new engagement starts with the practice's default measures (issue 21, Practice settings), as if
/// its therapist had added each schedule: same rules, same audit. The therapist changes or stops
/// them on the engagement like any other. An instrument the practice has since disabled is skipped.
/// </summary>
internal sealed class ApplyDefaultMeasures(TandemDbContext db, PracticeInstruments instruments, AuditTrail audit, TimeProvider time) : IEngagementStartedStep
{
    public async Task OnStartedAsync(Engagement engagement, CancellationToken ct)
    {
        var practiceId = engagement.PracticeId;
        var json = await db.Set<PracticeSettings>().AsNoTracking().Where(s => s.PracticeId == practiceId).Select(s => s.DefaultMeasuresJson).FirstOrDefaultAsync(ct);
        foreach (var wanted in PracticeSettingsUseCases.ReadMeasures(json))
        {
            if (await instruments.FindForUseAsync(wanted.InstrumentId, ct) is not { } instrument)
            {
                continue;
            }

            var schedule = MeasureSchedule.Create(engagement, instrument, wanted.Kind, wanted.IntervalWeeks, wanted.LeadHours, engagement.CreatedBy, time.GetUtcNow());
            db.Add(schedule);
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Create,
                ObjectType = "MeasureSchedule",
                ObjectId = schedule.Id.ToString(),
                EngagementId = engagement.Id,
                DataCategory = AuditCategories.Clinical,
            });
        }
    }
}
