using System.Security.Claims;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Audit;

/// <summary>
/// How features record what happens. Writes: <see cref="Stage"/> the entry and it is chained
/// in the same transaction as the change (TandemDbContext.SaveChanges), so a change without
/// its entry, or the reverse, cannot exist. Reads, refusals and sign-ins:
/// <see cref="RecordAsync"/> hands the entry to the process's group-commit writer and returns
/// once it is durable, so nothing acknowledged is unaudited.
/// </summary>
public sealed class AuditTrail(IHttpContextAccessor http, TimeProvider time, AuditWriter writer, TenantContext tenant, BreakGlassContext breakGlass)
{
    private readonly List<AuditEvent> _staged = [];

    public void Stage(AuditEvent e) => _staged.Add(Complete(e));

    public Task RecordAsync(AuditEvent e, CancellationToken ct = default) => writer.WriteAsync(Complete(e), ct);

    internal bool HasStaged => _staged.Count > 0;

    internal IReadOnlyList<AuditEvent> TakeStaged()
    {
        var taken = _staged.ToArray();
        _staged.Clear();
        return taken;
    }

    private AuditEvent Complete(AuditEvent e)
    {
        var user = tenant.User;
        var userId = Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
        return e with
        {
            At = e.At == default ? time.GetUtcNow() : e.At,
            UserId = e.UserId ?? userId,
            Role = e.Role ?? user?.FindFirstValue(ClaimTypes.Role) ?? (userId is null ? "Anonymous" : null),
            PracticeId = e.PracticeId ?? tenant.PracticeId,
            SourceAddress = e.SourceAddress ?? tenant.SourceAddress?.ToString() ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            Purpose = breakGlass.EngagementId is { } glass && e.EngagementId == glass ? AuditPurposes.BreakGlass : e.Purpose,
        };
    }
}
