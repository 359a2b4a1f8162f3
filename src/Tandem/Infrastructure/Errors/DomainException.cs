namespace Tandem.Infrastructure.Errors;

/// <summary>
/// The one way a domain rule fails. Mapped once to RFC 9457 problem details
/// (see <see cref="DomainExceptionHandler"/>); pages show <see cref="Exception.Message"/>.
/// The message is written for the person using Tandem and never contains clinical text.
/// </summary>
public class DomainException : Exception
{
    public DomainException(string message, DomainError kind = DomainError.Invalid, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        Kind = kind;
        Errors = errors;
    }

    public DomainException()
        : this("The request could not be completed.")
    {
    }

    public DomainException(string message)
        : this(message, DomainError.Invalid)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DomainError Kind { get; }

    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>
    /// Set when the refused request carried a risk answer: the crisis information is shown to the
    /// person all the same (and a risk alert was raised), whatever else was wrong with the request.
    /// </summary>
    public string? CrisisInformation { get; private init; }

    public DomainException WithCrisisInformation(string text) => new(Message, Kind, Errors) { CrisisInformation = text };

    public int StatusCode => Kind switch
    {
        DomainError.NotFound => StatusCodes.Status404NotFound,
        DomainError.Conflict => StatusCodes.Status409Conflict,
        DomainError.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        DomainError.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
        DomainError.BadRequest => StatusCodes.Status400BadRequest,
        DomainError.Gone => StatusCodes.Status410Gone,
        DomainError.TooLarge => StatusCodes.Status413PayloadTooLarge,
        DomainError.KeyReused => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static DomainException NotFound() => new("Not found.", DomainError.NotFound);
}

public enum DomainError
{
    Invalid,
    BadRequest,
    NotFound,
    Conflict,
    PreconditionFailed,
    PreconditionRequired,
    Gone,
    TooLarge,

    /// <summary>An Idempotency-Key already used for a different request (422, draft-ietf-httpapi-idempotency-key-header).</summary>
    KeyReused,
}
