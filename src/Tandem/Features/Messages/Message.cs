using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Messages;

/// <summary>
/// A message between sessions, part of the engagement's shared record. It belongs to one
/// thread: the engagement's conversation (<see cref="ThreadWith"/> is <see cref="Guid.Empty"/>),
/// seen by every participant, or a one-to-one thread between the engagement's therapists and
/// one client (<see cref="ThreadWith"/> is that client's id), which nobody else can see or
/// detect. Messages are never edited or deleted: what was said stays as it was said.
/// </summary>
public sealed class Message : IPracticeScoped
{
    public const int BodyMaxLength = 4000;

    private Message()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    /// <summary>Guid.Empty for the shared conversation; otherwise the client of a one-to-one thread.</summary>
    public Guid ThreadWith { get; private set; }

    /// <summary>Position in its thread, 1, 2, 3 ...: orders messages and read receipts even when clocks tie.</summary>
    public long Sequence { get; private set; }

    public Guid AuthorId { get; private set; }

    /// <summary>Markdown as the author wrote it; shown only through SafeMarkdown.</summary>
    [MultiLine]
    public string Body { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsPrivate => ThreadWith != Guid.Empty;

    /// <summary>Checks the body before anything is stored: empty, blank or over-long text is refused whole.</summary>
    public static string CleanBody(string? body)
    {
        var text = (body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (text.Length == 0)
        {
            throw new DomainException("Write something before sending.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["body"] = ["The message is empty."] });
        }

        if (text.Length > BodyMaxLength)
        {
            throw new DomainException($"Messages can be up to {BodyMaxLength:N0} characters. This one has {text.Length:N0}.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["body"] = [$"Up to {BodyMaxLength} characters."] });
        }

        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            throw new DomainException("The message contains characters that cannot be stored.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["body"] = ["Remove control characters."] });
        }

        return text;
    }

    internal static Message Write(Engagement engagement, Guid threadWith, long sequence, Guid authorId, string body, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = engagement.PracticeId,
        EngagementId = engagement.Id,
        ThreadWith = threadWith,
        Sequence = sequence,
        AuthorId = authorId,
        Body = CleanBody(body),
        CreatedAt = now,
    };
}

/// <summary>
/// How far one person has read one thread. A watermark instead of a row per message, so
/// unread counts and read receipts are a few indexed comparisons however long the history.
/// </summary>
public sealed class MessageReadState : IPracticeScoped
{
    private MessageReadState()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid ThreadWith { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>Every message of the thread up to this sequence number has been read.</summary>
    public long ReadUpTo { get; private set; }

    public DateTimeOffset ReadAt { get; private set; }

    internal static MessageReadState Start(Guid practiceId, Guid engagementId, Guid threadWith, Guid userId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = practiceId,
        EngagementId = engagementId,
        ThreadWith = threadWith,
        UserId = userId,
        ReadAt = now,
    };

    /// <summary>Reading never goes backwards; returns whether anything changed.</summary>
    internal bool Advance(long upTo, DateTimeOffset now)
    {
        if (upTo <= ReadUpTo)
        {
            return false;
        }

        ReadUpTo = upTo;
        ReadAt = now;
        return true;
    }
}

/// <summary>
/// Per-engagement messaging choices. One-to-one threads are off by default: in a couple or
/// family, a private channel changes the work, so the therapist turns it on deliberately,
/// and every participant can see that it is on (never which threads exist).
/// </summary>
public sealed class EngagementMessagingSettings : IPracticeScoped
{
    private EngagementMessagingSettings()
    {
    }

    public Guid EngagementId { get; private set; }

    public Guid PracticeId { get; private set; }

    public bool AllowPrivateThreads { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public Guid UpdatedBy { get; private set; }

    internal static EngagementMessagingSettings For(Engagement engagement, DateTimeOffset now, Guid by) => new()
    {
        EngagementId = engagement.Id,
        PracticeId = engagement.PracticeId,
        UpdatedAt = now,
        UpdatedBy = by,
    };

    internal void Set(bool allowPrivateThreads, Guid by, DateTimeOffset now)
    {
        AllowPrivateThreads = allowPrivateThreads;
        UpdatedBy = by;
        UpdatedAt = now;
    }
}
