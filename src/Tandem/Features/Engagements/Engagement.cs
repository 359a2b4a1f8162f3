using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Engagements;

public enum EngagementFormat
{
    ClientLed,
    TherapistLed,
}

public enum EngagementStatus
{
    /// <summary>Set up; waiting for the clients to join and sign the agreement.</summary>
    Invited,
    Active,
    Paused,
    Ended,
}

public enum ParticipantRole
{
    Client,
    Therapist,
}

/// <summary>
/// The unit of collaborative work and of access: one or more clients (a person, a couple, a
/// family) and one or more therapists. Only participants see it and its records.
/// </summary>
public sealed class Engagement : IPracticeScoped
{
    public const int TitleMaxLength = 120;

    private readonly List<Participant> _participants = [];

    private Engagement()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public string Title { get; private set; } = "";

    public EngagementFormat Format { get; private set; }

    public EngagementStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Whether every current client has signed the agreement in force (kept by the agreement use cases).</summary>
    public bool AllClientsSigned { get; private set; }

    /// <summary>Optimistic concurrency: two people changing the engagement at once cannot both win silently.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<Participant> Participants => _participants;

    public IEnumerable<Participant> ActiveParticipants => _participants.Where(p => p.LeftAt is null);

    public IEnumerable<Participant> Clients => ActiveParticipants.Where(p => p.Role == ParticipantRole.Client);

    public IEnumerable<Participant> Therapists => ActiveParticipants.Where(p => p.Role == ParticipantRole.Therapist);

    public static Engagement Start(Guid practiceId, string title, EngagementFormat format, Guid therapistId, DateTimeOffset now)
    {
        title = (title ?? "").Trim();
        if (title.Length is 0 or > TitleMaxLength)
        {
            throw new DomainException($"Give the engagement a name of 1 to {TitleMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["title"] = [$"1 to {TitleMaxLength} characters."] });
        }

        if (!Enum.IsDefined(format))
        {
            throw new DomainException("The format is ClientLed or TherapistLed.");
        }

        var engagement = new Engagement
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = practiceId,
            Title = title,
            Format = format,
            Status = EngagementStatus.Invited,
            CreatedAt = now,
            CreatedBy = therapistId,
        };
        engagement._participants.Add(Participant.Join(engagement, therapistId, ParticipantRole.Therapist, now));
        return engagement;
    }

    public Participant? ParticipantFor(Guid userId) => ActiveParticipants.FirstOrDefault(p => p.UserId == userId);

    public bool IsTherapist(Guid userId) => ParticipantFor(userId)?.Role == ParticipantRole.Therapist;

    public bool IsClient(Guid userId) => ParticipantFor(userId)?.Role == ParticipantRole.Client;

    public Participant Add(Guid userId, ParticipantRole role, DateTimeOffset now)
    {
        EnsureNotEnded();
        if (ParticipantFor(userId) is { } existing)
        {
            return existing;
        }

        var participant = Participant.Join(this, userId, role, now);
        _participants.Add(participant);
        if (role == ParticipantRole.Client)
        {
            // A new client has not signed yet: the engagement is read-only until they do.
            AllClientsSigned = false;
        }

        Touch();
        return participant;
    }

    public void Remove(Guid userId, DateTimeOffset now)
    {
        EnsureNotEnded();
        var participant = ParticipantFor(userId) ?? throw DomainException.NotFound();
        if (participant.Role == ParticipantRole.Therapist && Therapists.Count() == 1)
        {
            throw new DomainException("An engagement always has at least one therapist. Add another therapist first.", DomainError.Conflict);
        }

        participant.Leave(now);
        Touch();
    }

    /// <summary>Called by the agreement use cases after any signature or withdrawal.</summary>
    public void AgreementStateChanged(bool allClientsSigned)
    {
        AllClientsSigned = allClientsSigned && Clients.Any();
        if (Status == EngagementStatus.Invited && AllClientsSigned)
        {
            Status = EngagementStatus.Active;
        }

        Touch();
    }

    /// <summary>A participant withdrew their agreement: the work pauses until it is signed again.</summary>
    public void PauseForWithdrawal()
    {
        AllClientsSigned = false;
        if (Status is EngagementStatus.Active or EngagementStatus.Invited)
        {
            Status = EngagementStatus.Paused;
        }

        Touch();
    }

    public void Pause(Guid byUserId)
    {
        RequireTherapist(byUserId);
        if (Status != EngagementStatus.Active)
        {
            throw new DomainException($"Only active work can be paused; this engagement is {Status.ToString().ToLowerInvariant()}.", DomainError.Conflict);
        }

        Status = EngagementStatus.Paused;
        Touch();
    }

    public void Resume(Guid byUserId)
    {
        RequireTherapist(byUserId);
        if (Status != EngagementStatus.Paused)
        {
            throw new DomainException("Only paused work can be resumed.", DomainError.Conflict);
        }

        if (!AllClientsSigned)
        {
            throw new DomainException("Every client needs to sign the collaboration agreement before the work resumes.", DomainError.Conflict);
        }

        Status = EngagementStatus.Active;
        Touch();
    }

    public void End(Guid byUserId, DateTimeOffset now)
    {
        RequireTherapist(byUserId);
        EnsureNotEnded();
        Status = EngagementStatus.Ended;
        EndedAt = now;
        Touch();
    }

    public void ChangeFormat(EngagementFormat format)
    {
        EnsureNotEnded();
        Format = format;
        Touch();
    }

    public void EnsureNotEnded()
    {
        if (Status == EngagementStatus.Ended)
        {
            throw new DomainException("This engagement has ended. Its record stays readable, but it takes no new content.", DomainError.Conflict);
        }
    }

    /// <summary>
    /// The gate for new clinical content: not ended, not paused, and every client has signed
    /// the collaboration agreement. The agreement and the preferences check are exempt.
    /// </summary>
    public void EnsureWritable()
    {
        EnsureNotEnded();
        if (!AllClientsSigned)
        {
            throw new DomainException("Every client needs to sign the collaboration agreement first. Until then this engagement is read-only, apart from the agreement and the preferences check.", DomainError.Conflict);
        }

        if (Status == EngagementStatus.Paused)
        {
            throw new DomainException("This engagement is paused. A therapist can resume it once everyone has signed the agreement.", DomainError.Conflict);
        }
    }

    private void RequireTherapist(Guid userId)
    {
        if (!IsTherapist(userId))
        {
            throw DomainException.NotFound();
        }
    }

    private void Touch() => Version++;
}

public sealed class Participant : IPracticeScoped
{
    private Participant()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid UserId { get; private set; }

    public ParticipantRole Role { get; private set; }

    public DateTimeOffset JoinedAt { get; private set; }

    public DateTimeOffset? LeftAt { get; private set; }

    internal static Participant Join(Engagement engagement, Guid userId, ParticipantRole role, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = engagement.PracticeId,
        EngagementId = engagement.Id,
        UserId = userId,
        Role = role,
        JoinedAt = now,
    };

    internal void Leave(DateTimeOffset now) => LeftAt = now;
}
