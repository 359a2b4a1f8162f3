using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Sessions;

/// <summary>
/// A therapist's private process note for a session: a psychotherapy note in the sense of
/// HIPAA 45 CFR 164.501. Kept in its own table, apart from the record; read and written only
/// by its author (not by a co-therapist, not by the admin); never in a shared view, an
/// export or a search.
/// </summary>
public sealed class PrivateNote : IPracticeScoped
{
    public const int BodyMaxLength = 20_000;

    /// <summary>Audit data category for these notes (never their text, only ids).</summary>
    public const string AuditCategory = "psychotherapy-note";

    private PrivateNote()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid AuthorId { get; private set; }

    [MultiLine]
    public string Body { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public static PrivateNote Start(Session session, Guid authorId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = session.PracticeId,
        EngagementId = session.EngagementId,
        SessionId = session.Id,
        AuthorId = authorId,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void Write(string? body, DateTimeOffset now)
    {
        body = (body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        if (body.Length > BodyMaxLength)
        {
            throw new DomainException($"A private note holds up to {BodyMaxLength:N0} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["body"] = [$"Up to {BodyMaxLength:N0} characters."] });
        }

        Body = body;
        UpdatedAt = now;
        Version++;
    }
}
