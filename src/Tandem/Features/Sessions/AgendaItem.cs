using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Sessions;

public enum AgendaItemKind
{
    /// <summary>"How things have been since we last met": the client's interval update.</summary>
    Update,

    /// <summary>Something a participant wants to talk about.</summary>
    Topic,
}

/// <summary>One item of a session's shared agenda. Anyone in the engagement adds; the therapist orders.</summary>
public sealed class AgendaItem : IPracticeScoped
{
    public const int TextMaxLength = 1000;

    private AgendaItem()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid AuthorId { get; private set; }

    public AgendaItemKind Kind { get; private set; }

    public string Text { get; private set; } = "";

    public int Position { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static AgendaItem Add(Session session, Guid authorId, AgendaItemKind kind, string text, int position, DateTimeOffset now)
    {
        if (!session.TakesAgendaItems)
        {
            throw new DomainException($"This session is {session.Status.ToString().ToLowerInvariant()}; its agenda is closed.", DomainError.Conflict);
        }

        text = (text ?? "").Trim();
        if (text.Length is 0 or > TextMaxLength)
        {
            throw new DomainException($"Write 1 to {TextMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["text"] = [$"1 to {TextMaxLength} characters."] });
        }

        if (!Enum.IsDefined(kind))
        {
            throw new DomainException("The kind is Update or Topic.");
        }

        return new AgendaItem
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = session.PracticeId,
            EngagementId = session.EngagementId,
            SessionId = session.Id,
            AuthorId = authorId,
            Kind = kind,
            Text = text,
            Position = position,
            CreatedAt = now,
        };
    }

    internal void MoveTo(int position) => Position = position;
}
