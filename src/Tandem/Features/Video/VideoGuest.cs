using System.Security.Cryptography;
using System.Text;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Video;

/// <summary>
/// A guest invited to one session's call (issue 23): a live interpreter, a relay or captioning service. The therapist
/// creates a one-time link that works until shortly after the session ends; the first browser to open it holds the place
/// (the link then answers "already used"). The guest waits until a client of the engagement lets them in, so the client
/// sees who the guest is before anyone new can see or hear them. No account: the guest never reaches the record, only
/// the call (and its captions area).
/// </summary>
public sealed class VideoGuest : IPracticeScoped
{
    public const int NameMaxLength = 80;
    public const int RoleMaxLength = 60;

    /// <summary>How long after the session's planned end a guest link still works.</summary>
    public static readonly TimeSpan GraceAfterEnd = TimeSpan.FromMinutes(30);

    private VideoGuest()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid CreatedBy { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>What they do in the call, in the therapist's words ("BSL interpreter", "live captions").</summary>
    public string Role { get; private set; } = "";

    /// <summary>SHA-256 of the link's secret (the secret itself is shown once, to the therapist who made it).</summary>
    public string TokenHash { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When the link was first opened: from then on only that browser (its guest cookie) is this guest.</summary>
    public DateTimeOffset? ClaimedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public VideoState State { get; private set; } = VideoState.Waiting;

    public string? ConnectionId { get; private set; }

    public DateTimeOffset? LastJoinedAt { get; private set; }

    public DateTimeOffset? AdmittedAt { get; private set; }

    public Guid? AdmittedBy { get; private set; }

    public DateTimeOffset? LeftAt { get; private set; }

    public bool AudioOn { get; private set; } = true;

    public bool VideoOn { get; private set; } = true;

    public int Version { get; private set; }

    public static (VideoGuest Guest, string Secret) Invite(Sessions.Session session, Guid by, string? name, string? role, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var cleanName = (name ?? "").Trim();
        var cleanRole = (role ?? "").Trim();
        if (cleanName.Length is 0 or > NameMaxLength)
        {
            errors["name"] = [$"The guest's name, 1 to {NameMaxLength} characters."];
        }

        if (cleanRole.Length is 0 or > RoleMaxLength)
        {
            errors["role"] = [$"What they do in the call (for example \"BSL interpreter\"), 1 to {RoleMaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException("Say who the guest is and what they do in the call.", DomainError.Invalid, errors);
        }

        if (!session.IsVideo || session.Status != Sessions.SessionStatus.Scheduled || now > session.EndsAt)
        {
            throw new DomainException("Guests can be invited to an online session in Tandem that has not ended.", DomainError.Conflict);
        }

        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new VideoGuest
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = session.PracticeId,
            SessionId = session.Id,
            EngagementId = session.EngagementId,
            CreatedBy = by,
            Name = cleanName,
            Role = cleanRole,
            TokenHash = Hash(secret),
            CreatedAt = now,
            ExpiresAt = session.EndsAt + GraceAfterEnd,
        }, secret);
    }

    public static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? "")));

    /// <summary>Why the link cannot be used now, or null.</summary>
    public string? Refusal(DateTimeOffset now) =>
        RevokedAt is not null ? "This guest link was withdrawn by the therapist."
        : now >= ExpiresAt ? "This guest link has expired."
        : null;

    /// <summary>The first opening of the link holds the place for that browser; a second opening is refused.</summary>
    public void Claim(DateTimeOffset now)
    {
        if (Refusal(now) is { } why)
        {
            throw new DomainException(why, DomainError.NotFound);
        }

        if (ClaimedAt is not null)
        {
            throw new DomainException("This guest link was already used. Ask the therapist for a new one.", DomainError.NotFound);
        }

        ClaimedAt = now;
        Version++;
    }

    public void Revoke(DateTimeOffset now)
    {
        RevokedAt ??= now;
        State = VideoState.Left;
        ConnectionId = null;
        Version++;
    }

    public void Arrive(string connectionId, DateTimeOffset now)
    {
        if (Refusal(now) is { } why)
        {
            throw new DomainException(why, DomainError.NotFound);
        }

        ConnectionId = connectionId;
        LastJoinedAt = now;
        LeftAt = null;
        State = AdmittedAt is not null ? VideoState.Admitted : VideoState.Waiting;
        Version++;
    }

    public void Admit(Guid by, DateTimeOffset now)
    {
        if (State == VideoState.Waiting)
        {
            State = VideoState.Admitted;
            AdmittedAt ??= now;
            AdmittedBy ??= by;
            Version++;
        }
    }

    public bool Leave(string? connectionId, DateTimeOffset now)
    {
        if (State == VideoState.Left || (connectionId is not null && connectionId != ConnectionId))
        {
            return false;
        }

        State = VideoState.Left;
        LeftAt = now;
        ConnectionId = null;
        Version++;
        return true;
    }

    public void SetMedia(bool audioOn, bool videoOn)
    {
        AudioOn = audioOn;
        VideoOn = videoOn;
        Version++;
    }
}
