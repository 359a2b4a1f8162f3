namespace Tandem.Features.Audit;

/// <summary>
/// What happened, before it is chained. The audit trail fills in the actor, practice, time
/// and source address from the request when they are not given.
/// </summary>
public sealed record AuditEvent
{
    public required AuditAction Action { get; init; }

    /// <summary>The kind of record, e.g. "Engagement", "SharedNote", "SignIn".</summary>
    public required string ObjectType { get; init; }

    public string? ObjectId { get; init; }

    /// <summary>e.g. "clinical", "personal", "security", "administrative".</summary>
    public required string DataCategory { get; init; }

    public AuditOutcome Outcome { get; init; } = AuditOutcome.Success;

    /// <summary>Why: "treatment" for care, "access-control", "administration", "break-glass", "export"...</summary>
    public string Purpose { get; init; } = AuditPurposes.Treatment;

    public Guid? EngagementId { get; init; }

    public Guid? SubjectUserId { get; init; }

    public Guid? PracticeId { get; init; }

    public Guid? UserId { get; init; }

    public string? Role { get; init; }

    public string? SourceAddress { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>
    /// A list's members (engagement, and client for a personal record), sorted: the entry is one read of them all, with one
    /// <see cref="AuditListRead"/> row each (see <see cref="AuditTrail.RecordEachAsync(AuditEvent, IEnumerable{ValueTuple{Guid, Guid?}}, CancellationToken)"/>).
    /// </summary>
    public IReadOnlyList<(Guid EngagementId, Guid? SubjectUserId)>? Shown { get; init; }
}

public static class AuditCategories
{
    public const string Clinical = "clinical";
    public const string Personal = "personal";
    public const string Security = "security";
    public const string Administrative = "administrative";

    /// <summary>Figures about a group of clients (the outcome report and its CSV): in the security log, in no client's access log.</summary>
    public const string Aggregate = "aggregate";
}

public static class AuditPurposes
{
    public const string Treatment = "treatment";
    public const string AccessControl = "access-control";
    public const string Administration = "administration";
    public const string BreakGlass = "break-glass";
    public const string Export = "export";

    /// <summary>A live page showed a change someone else made, to a person who was looking at it (issue 27).</summary>
    public const string LiveUpdate = "live-update";
}

/// <summary>
/// Why the reads of this scope happen, when it is not the person's own request: a live page
/// refreshing to show someone else's change (see ScopedWork.RunLiveAsync). One per scope.
/// </summary>
public sealed class AuditOccasion
{
    public string? ReadPurpose { get; set; }

    /// <summary>
    /// The reads of this scope draw again what the person was just shown and whose reads were recorded then: a live
    /// page's first drawing over its connection, after the server drew the same page unchanged (ScopedWork.RunLookAsync).
    /// Its successful reads are not recorded a second time; refusals and changes are, as always.
    /// </summary>
    public bool RepeatsRecordedLook { get; set; }
}
