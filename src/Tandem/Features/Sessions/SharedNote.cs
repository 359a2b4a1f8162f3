using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Sessions;

// "Signed" is the word of the API contract (API.md), not a type name.
#pragma warning disable CA1720
public enum NoteStatus
{
    Draft,
    Signed,
}
#pragma warning restore CA1720

/// <summary>
/// The open progress note of a session (part of the record, read by every participant).
/// A therapist writes it in Markdown; signing locks the body for good. After that the only
/// change is an amendment with a reason, kept beside the original and shown in the open.
/// </summary>
public sealed class SharedNote : IPracticeScoped
{
    public const int BodyMaxLength = 20_000;

    private SharedNote()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid SessionId { get; private set; }

    /// <summary>The signed (or draft) text. Never changes once <see cref="SignedAt"/> is set.</summary>
    [MultiLine]
    public string Body { get; private set; } = "";

    public Guid? AuthorId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public Guid? UpdatedBy { get; private set; }

    public DateTimeOffset? SignedAt { get; private set; }

    public Guid? SignedBy { get; private set; }

    /// <summary>
    /// Bumped by every change of the note itself (draft edit, signature, amendment): the ETag.
    /// Annotations and reflections are rows of their own and do not move it, so a client's
    /// comment never makes the therapist's draft save fail.
    /// </summary>
    public int Version { get; private set; }

    public NoteStatus Status => SignedAt is null ? NoteStatus.Draft : NoteStatus.Signed;

    public string ETag => $"\"{Id:N}-{Version}\"";

    /// <summary>Every session has a note from the start, empty until a therapist writes it.</summary>
    public static SharedNote For(Session session, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = session.PracticeId,
        EngagementId = session.EngagementId,
        SessionId = session.Id,
        CreatedAt = now,
        Version = 1,
    };

    public void EnsureMatches(string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            throw new DomainException("Send the note's ETag in If-Match, so an edit never overwrites one you have not seen.", DomainError.PreconditionRequired);
        }

        if (!string.Equals(ifMatch.Trim(), ETag, StringComparison.Ordinal))
        {
            throw new DomainException("The note has changed since you opened it. Reload it, then make your change again.", DomainError.PreconditionFailed);
        }
    }

    public void WriteDraft(string body, Guid byUserId, DateTimeOffset now)
    {
        EnsureDraft();
        body = CheckBody(body, allowEmpty: true);
        Body = body;
        AuthorId ??= byUserId;
        UpdatedAt = now;
        UpdatedBy = byUserId;
        Version++;
    }

    public void Sign(Session session, Guid byUserId, DateTimeOffset now)
    {
        EnsureDraft();
        if (session.Id != SessionId || !session.NoteCanBeSigned(now))
        {
            throw new DomainException("This session has not started yet. Its note can be signed once the session has started.", DomainError.Conflict);
        }

        if (string.IsNullOrWhiteSpace(Body))
        {
            throw new DomainException("Write the note before signing it.", DomainError.Conflict);
        }

        SignedAt = now;
        SignedBy = byUserId;
        Version++;
    }

    public NoteAmendment Amend(string body, string reason, Guid byUserId, DateTimeOffset now)
    {
        if (Status != NoteStatus.Signed)
        {
            throw new DomainException("A draft is edited directly; amendments are for signed notes.", DomainError.Conflict);
        }

        var amendment = NoteAmendment.Create(this, CheckBody(body, allowEmpty: false), reason, byUserId, now);
        Version++;
        return amendment;
    }

    public void EnsureDraft()
    {
        if (Status == NoteStatus.Signed)
        {
            throw new DomainException("This note is signed, so its text can no longer change. Add an amendment with a reason instead.", DomainError.Conflict);
        }
    }

    internal static string CheckBody(string? body, bool allowEmpty)
    {
        body = (body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        if (body.Length > BodyMaxLength || (!allowEmpty && string.IsNullOrWhiteSpace(body)))
        {
            throw new DomainException($"The note holds {(allowEmpty ? 0 : 1)} to {BodyMaxLength:N0} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["body"] = [$"Up to {BodyMaxLength:N0} characters."] });
        }

        return body;
    }
}

/// <summary>A correction of a signed note: the full corrected text and why. The original stays as signed.</summary>
public sealed class NoteAmendment : IPracticeScoped
{
    public const int ReasonMaxLength = 500;

    private NoteAmendment()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid NoteId { get; private set; }

    [MultiLine]
    public string Body { get; private set; } = "";

    [MultiLine]
    public string Reason { get; private set; } = "";

    public Guid AuthorId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    internal static NoteAmendment Create(SharedNote note, string body, string reason, Guid authorId, DateTimeOffset now)
    {
        reason = (reason ?? "").Trim();
        if (reason.Length is 0 or > ReasonMaxLength)
        {
            throw new DomainException($"Say why the note is amended (1 to {ReasonMaxLength} characters).", DomainError.Invalid,
                new Dictionary<string, string[]> { ["reason"] = [$"1 to {ReasonMaxLength} characters."] });
        }

        return new NoteAmendment
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = note.PracticeId,
            EngagementId = note.EngagementId,
            SessionId = note.SessionId,
            NoteId = note.Id,
            Body = body,
            Reason = reason,
            AuthorId = authorId,
            CreatedAt = now,
        };
    }
}
