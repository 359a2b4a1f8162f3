using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Sessions;

public enum Stance
{
    None,
    Agree,
    Disagree,
}

/// <summary>
/// A participant's answer to the shared note: a comment, optionally quoting a passage, and
/// whether they agree. It is a row of its own: it can never change the note's body, author or times.
/// </summary>
public sealed class Annotation : IPracticeScoped
{
    public const int TextMaxLength = 2000;
    public const int QuoteMaxLength = 500;

    private Annotation()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid NoteId { get; private set; }

    public Guid AuthorId { get; private set; }

    [MultiLine]
    public string Text { get; private set; } = "";

    [MultiLine]
    public string? Quote { get; private set; }

    public Stance Stance { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <param name="noteTexts">Every version of the note; a quote must come from one of them.</param>
    public static Annotation Create(SharedNote note, IEnumerable<string> noteTexts, Guid authorId, string text, string? quote, Stance stance, DateTimeOffset now)
    {
        text = (text ?? "").Trim();
        if (text.Length is 0 or > TextMaxLength)
        {
            throw new DomainException($"Write a comment of 1 to {TextMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["text"] = [$"1 to {TextMaxLength} characters."] });
        }

        quote = string.IsNullOrWhiteSpace(quote) ? null : quote.Trim();
        if (quote is { Length: > QuoteMaxLength })
        {
            throw new DomainException($"Quote up to {QuoteMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["quote"] = [$"Up to {QuoteMaxLength} characters."] });
        }

        if (quote is not null && !noteTexts.Any(t => Normalise(t).Contains(Normalise(quote), StringComparison.OrdinalIgnoreCase)))
        {
            throw new DomainException("The quote has to be a passage of the note (copy it exactly).", DomainError.Invalid,
                new Dictionary<string, string[]> { ["quote"] = ["Not found in the note."] });
        }

        if (!Enum.IsDefined(stance))
        {
            throw new DomainException("Stance is None, Agree or Disagree.");
        }

        if (string.IsNullOrWhiteSpace(note.Body))
        {
            throw new DomainException("There is nothing written in this note yet to respond to.", DomainError.Conflict);
        }

        return new Annotation
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = note.PracticeId,
            EngagementId = note.EngagementId,
            SessionId = note.SessionId,
            NoteId = note.Id,
            AuthorId = authorId,
            Text = text,
            Quote = quote,
            Stance = stance,
            CreatedAt = now,
        };
    }

    // Quotes are copied from rendered text: compare without Markdown emphasis and with single spaces.
    private static string Normalise(string s) =>
        string.Join(' ', s.Replace("*", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>
/// A client's own reflection on a session, in their words. Personal: seen by its author and
/// the engagement's therapists (in a couple, not by the partner).
/// </summary>
public sealed class Reflection : IPracticeScoped
{
    public const int TextMaxLength = 4000;

    private Reflection()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid AuthorId { get; private set; }

    [MultiLine]
    public string Text { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public static Reflection Create(Session session, Guid authorId, string text, DateTimeOffset now)
    {
        text = (text ?? "").Trim();
        if (text.Length is 0 or > TextMaxLength)
        {
            throw new DomainException($"Write 1 to {TextMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["text"] = [$"1 to {TextMaxLength} characters."] });
        }

        return new Reflection
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = session.PracticeId,
            EngagementId = session.EngagementId,
            SessionId = session.Id,
            AuthorId = authorId,
            Text = text,
            CreatedAt = now,
        };
    }
}
