using Tandem.Features.Engagements;

namespace Tandem.Features.Sessions;

/// <summary>A session in a list: when, where, status, and how far its note is. Times are UTC.</summary>
public sealed record SessionSummary(
    Guid Id,
    Guid EngagementId,
    string EngagementTitle,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int DurationMinutes,
    string Location,
    LocationKind LocationKind,
    SessionStatus Status,
    string NoteStatus,
    int AgendaCount)
{
    /// <summary>Sessions planned together share it; null for a single session.</summary>
    public Guid? SeriesId { get; init; }

    /// <summary>The start before the latest move (UTC), when the session was moved.</summary>
    public DateTimeOffset? MovedFrom { get; init; }

    public bool CancelledLate { get; init; }

    /// <summary>The engagement's current clients, by display name.</summary>
    public IReadOnlyList<string> ClientNames { get; init; } = [];

    /// <summary>InPerson or Online (an online session in Tandem has LocationKind Video: the call is in the session room).</summary>
    public SessionMode Mode => LocationKind == LocationKind.Room ? SessionMode.InPerson : SessionMode.Online;
}

public sealed record AgendaItemView(Guid Id, AgendaItemKind Kind, string Text, Guid AuthorId, string AuthorName, string AuthorRole, int Position, DateTimeOffset CreatedAt);

public sealed record SessionView(
    Guid Id,
    Guid EngagementId,
    string EngagementTitle,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int DurationMinutes,
    string Location,
    LocationKind LocationKind,
    SessionStatus Status,
    string NoteStatus,
    IReadOnlyList<AgendaItemView> Agenda,
    IReadOnlyList<ParticipantView> Participants,
    string MyRole)
{
    public Guid? SeriesId { get; init; }

    public DateTimeOffset? MovedFrom { get; init; }

    public bool CancelledLate { get; init; }

    /// <summary>InPerson or Online (an online session in Tandem has LocationKind Video: the call is in the session room).</summary>
    public SessionMode Mode => LocationKind == LocationKind.Room ? SessionMode.InPerson : SessionMode.Online;

    /// <summary>For video in Tandem: from when the call can be joined (15 minutes before the start; until the session is marked over).</summary>
    public DateTimeOffset? VideoOpensAt => LocationKind == LocationKind.Video ? StartsAt - Session.VideoOpensBefore : null;
}

public sealed record AmendmentView(Guid Id, string Body, string Html, string Reason, Guid AuthorId, string AuthorName, DateTimeOffset CreatedAt);

public sealed record AnnotationView(Guid Id, Guid AuthorId, string AuthorName, string AuthorRole, string Text, string? Quote, Stance Stance, DateTimeOffset CreatedAt);

public sealed record ReflectionView(Guid Id, Guid AuthorId, string AuthorName, string Text, DateTimeOffset CreatedAt);

/// <summary>
/// The shared note as every participant sees it. <c>Body</c> is the text as written (as signed,
/// once signed: it never changes); <c>CurrentBody</c> is the latest amendment's text, or the body.
/// </summary>
public sealed record NoteView(
    Guid Id,
    Guid SessionId,
    Guid EngagementId,
    string Body,
    string Html,
    NoteStatus Status,
    Guid? AuthorId,
    string? AuthorName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? SignedAt,
    string? SignedByName,
    string CurrentBody,
    string CurrentHtml,
    IReadOnlyList<AmendmentView> Amendments,
    IReadOnlyList<AnnotationView> Annotations,
    IReadOnlyList<ReflectionView> Reflections,
    int Version,
    string ETag)
{
    /// <summary>The session's start (UTC): the note can be signed from then on.</summary>
    public DateTimeOffset CanSignFrom { get; init; }
}

/// <summary>One version of a signed note in its history: the original, then each amendment with its reason and what changed.</summary>
public sealed record NoteVersionView(int Number, string Label, string Html, string? Reason, string AuthorName, DateTimeOffset At, string? ChangesHtml);

public sealed record NoteHistoryView(Guid SessionId, Guid EngagementId, string EngagementTitle, DateTimeOffset StartsAt, NoteStatus Status, IReadOnlyList<NoteVersionView> Versions);

/// <summary>The author's own private process note. Nobody else ever receives this shape.</summary>
public sealed record PrivateNoteView(Guid SessionId, string Body, DateTimeOffset? UpdatedAt, int Version);
