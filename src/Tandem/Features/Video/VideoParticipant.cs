using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Video;

public enum VideoRole
{
    Therapist,
    Client,
}

public enum VideoState
{
    /// <summary>In the waiting room: a therapist lets them in.</summary>
    Waiting,

    /// <summary>In the call.</summary>
    Admitted,

    /// <summary>Left the call (or their last connection ended).</summary>
    Left,
}

/// <summary>
/// One person's place in one session's call (issue 23): whether they wait, are in or have left, the connection their
/// signals go to, and whether their microphone and camera are on. The room's state lives here, in the database, so every
/// web node sees the same room; the media never touch the server. A therapist who let someone in once does not have to
/// again in the same session (a reload or a lost network comes straight back).
/// </summary>
public sealed class VideoParticipant : IPracticeScoped
{
    public const int ConnectionIdMaxLength = 100;

    private VideoParticipant()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid UserId { get; private set; }

    public VideoRole Role { get; private set; }

    public VideoState State { get; private set; }

    /// <summary>The SignalR connection now in the call for this person (the latest; a reload replaces it).</summary>
    public string? ConnectionId { get; private set; }

    public DateTimeOffset FirstJoinedAt { get; private set; }

    public DateTimeOffset LastJoinedAt { get; private set; }

    public DateTimeOffset? AdmittedAt { get; private set; }

    public Guid? AdmittedBy { get; private set; }

    public DateTimeOffset? LeftAt { get; private set; }

    public bool AudioOn { get; private set; } = true;

    public bool VideoOn { get; private set; } = true;

    public int Version { get; private set; }

    public static VideoParticipant Arrive(Guid practiceId, Guid sessionId, Guid engagementId, Guid userId, VideoRole role, string connectionId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = practiceId,
        SessionId = sessionId,
        EngagementId = engagementId,
        UserId = userId,
        Role = role,
        State = VideoState.Waiting,
        ConnectionId = Check(connectionId),
        FirstJoinedAt = now,
        LastJoinedAt = now,
    };

    /// <summary>Back after leaving or a reload: straight in when a therapist let them in before in this session (or they are a therapist).</summary>
    public void Return(string connectionId, DateTimeOffset now)
    {
        ConnectionId = Check(connectionId);
        LastJoinedAt = now;
        LeftAt = null;
        State = AdmittedAt is not null || Role == VideoRole.Therapist ? VideoState.Admitted : VideoState.Waiting;
        Version++;
    }

    public void Admit(Guid by, DateTimeOffset now)
    {
        if (State == VideoState.Left)
        {
            throw new DomainException("They have left the waiting room.", DomainError.Conflict);
        }

        if (State == VideoState.Waiting)
        {
            State = VideoState.Admitted;
            AdmittedAt ??= now;
            AdmittedBy ??= by;
            Version++;
        }
    }

    /// <summary>Ends this person's presence, but only for the connection that is theirs now (an old tab closing after a reload changes nothing).</summary>
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

    private static string Check(string connectionId) =>
        connectionId is { Length: > 0 and <= ConnectionIdMaxLength } ? connectionId : throw new DomainException("No connection.", DomainError.Invalid);
}
