using Tandem.Features.Audit;

namespace Tandem.Features.Sessions;

/// <summary>Audit events of this feature: object type and id only, never text.</summary>
internal static class SessionAudit
{
    public static AuditEvent Of(AuditAction action, string objectType, Guid objectId, Guid engagementId, string category = AuditCategories.Clinical) => new()
    {
        Action = action,
        ObjectType = objectType,
        ObjectId = objectId.ToString(),
        EngagementId = engagementId,
        DataCategory = category,
    };
}
