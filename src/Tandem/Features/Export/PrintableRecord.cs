using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Export;

/// <summary>
/// The record on paper: the same content as the FHIR export (what this person may see, never
/// private process notes), for the printable record page. Audited as a read.
/// </summary>
public sealed class PrintableRecord(EngagementAccess access, ExportRecordLoader loader, CurrentUser me, AuditTrail audit)
{
    public async Task<ExportRecord> GetAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "PrintableRecord", ct);
        var record = await loader.LoadAsync(engagement, me.Id, withAccessLog: false, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "PrintableRecord",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return record;
    }
}
