namespace Tandem.Features.Messages;

/// <summary>Someone other than the author who has read a message (from their read watermark).</summary>
public sealed record ReaderView(Guid UserId, string DisplayName, DateTimeOffset ReadAt);

public sealed record MessageView(
    Guid Id,
    Guid EngagementId,
    Guid? WithClient,
    long Sequence,
    Guid AuthorId,
    string AuthorName,
    string Body,
    string BodyHtml,
    DateTimeOffset CreatedAt,
    bool IsMine,
    IReadOnlyList<ReaderView> ReadBy);

/// <summary>A thread the caller can see: the shared conversation (no client) or a one-to-one thread.</summary>
public sealed record ThreadView(Guid? WithClient, string Title, int Unread);

/// <summary>One page of a thread, oldest first, and what the conversation page needs around it.</summary>
public sealed record MessagePage(
    Guid EngagementId,
    string EngagementTitle,
    Guid? WithClient,
    IReadOnlyList<MessageView> Items,
    long? NextBefore,
    int Unread,
    long ReadUpTo,
    IReadOnlyList<ThreadView> Threads,
    bool AllowPrivateThreads,
    bool CanWrite,
    string? ReadOnlyReason,
    string ExpectedReply,
    string CrisisInformation);

public sealed record ReadResult(Guid MessageId, long ReadUpTo, int Unread);

public sealed record UnreadView(Guid EngagementId, string Title, int Unread)
{
    /// <summary>Whom the conversation is with, by name: a therapist sees the clients, a client the therapists.</summary>
    public string With { get; init; } = "";
}
