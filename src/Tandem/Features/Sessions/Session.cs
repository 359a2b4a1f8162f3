using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Sessions;

public enum SessionStatus
{
    Scheduled,
    Completed,
    Cancelled,
    Missed,
}

public enum LocationKind
{
    /// <summary>In person, at a place (any text).</summary>
    Room,

    /// <summary>Online through a link to another service (https); kept for sessions planned that way.</summary>
    Online,

    /// <summary>Online in Tandem: video in the session room, peer to peer, no third party in the path (issue 23).</summary>
    Video,
}

/// <summary>How a session is held, as the person scheduling it says it: in person, or online (video in Tandem).</summary>
public enum SessionMode
{
    InPerson,
    Online,
}

/// <summary>
/// One meeting of an engagement. The start is stored in UTC and shown in each viewer's own
/// zone. Status moves only forward from Scheduled, and only when it can be true (a session
/// cannot be completed or missed before it has started).
/// </summary>
public sealed class Session : IPracticeScoped
{
    public const int LocationMaxLength = 300;
    public const int MinDuration = 10;
    public const int MaxDuration = 240;

    /// <summary>What an online session in Tandem shows as its place.</summary>
    public const string VideoPlace = "Online, in Tandem";

    /// <summary>The call opens this long before the start (and stays open until the session is marked over).</summary>
    public static readonly TimeSpan VideoOpensBefore = TimeSpan.FromMinutes(15);

    private Session()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public DateTimeOffset StartsAt { get; private set; }

    public int DurationMinutes { get; private set; }

    public string Location { get; private set; } = "";

    public LocationKind LocationKind { get; private set; }

    public SessionStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset? StatusChangedAt { get; private set; }

    /// <summary>
    /// When the reminder was queued (never twice for one time). Set only by <see cref="SessionReminders"/>' conditional
    /// claim, which leaves <see cref="Version"/> alone; a move clears it, so the new time gets its own reminder.
    /// </summary>
    public DateTimeOffset? ReminderQueuedAt { get; private set; }

    public int Version { get; private set; }

    /// <summary>Sessions planned together (weekly, fortnightly) share this id; each is still its own session.</summary>
    public Guid? SeriesId { get; private set; }

    /// <summary>The start before the latest move, so everyone sees that the time changed.</summary>
    public DateTimeOffset? MovedFrom { get; private set; }

    /// <summary>Cancelled at short notice (a flag on Cancelled, so every "cancelled" rule still holds).</summary>
    public bool CancelledLate { get; private set; }

    public DateTimeOffset EndsAt => StartsAt.AddMinutes(DurationMinutes);

    public static Session Schedule(Engagement engagement, Guid byUserId, DateTimeOffset startsAt, int durationMinutes, string? location, DateTimeOffset now, Guid? seriesId = null, SessionMode? mode = null)
    {
        var (place, kind) = CheckPlace(location, mode);
        CheckTiming(startsAt, durationMinutes, now);
        return new Session
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            StartsAt = startsAt.ToUniversalTime(),
            DurationMinutes = durationMinutes,
            Location = place,
            LocationKind = kind,
            Status = SessionStatus.Scheduled,
            CreatedAt = now,
            CreatedBy = byUserId,
            SeriesId = seriesId,
        };
    }

    public void Reschedule(DateTimeOffset startsAt, int durationMinutes, string? location, DateTimeOffset now, SessionMode? mode = null)
    {
        EnsureScheduled("rescheduled");
        var (place, kind) = CheckPlace(location, mode ?? (IsVideo && string.IsNullOrWhiteSpace(location) ? SessionMode.Online : null));
        CheckTiming(startsAt, durationMinutes, now);
        if (startsAt.ToUniversalTime() != StartsAt)
        {
            MovedFrom = StartsAt;
        }

        StartsAt = startsAt.ToUniversalTime();
        DurationMinutes = durationMinutes;
        Location = place;
        LocationKind = kind;
        ReminderQueuedAt = null;
        Version++;
    }

    /// <summary>Scheduled is the only state that moves; completed and missed need the start to have passed.</summary>
    public void ChangeStatus(SessionStatus to, DateTimeOffset now, bool late = false)
    {
        if (late && to != SessionStatus.Cancelled)
        {
            throw new DomainException("Only a cancellation can be late.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["late"] = ["Only with Cancelled."] });
        }

        if (!Enum.IsDefined(to) || to == SessionStatus.Scheduled)
        {
            throw new DomainException("A session can be marked Completed, Cancelled or Missed.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["status"] = ["Completed, Cancelled or Missed."] });
        }

        if (Status == to)
        {
            return;
        }

        EnsureScheduled($"marked \"{SessionWords.Label(to, late)}\"");
        if (to is SessionStatus.Completed or SessionStatus.Missed && now < StartsAt)
        {
            throw new DomainException($"This session has not started yet, so it cannot be marked \"{SessionWords.Label(to, late)}\".", DomainError.Conflict);
        }

        Status = to;
        CancelledLate = late;
        StatusChangedAt = now;
        Version++;
    }

    public bool TakesAgendaItems => Status == SessionStatus.Scheduled;

    public SessionMode Mode => LocationKind == LocationKind.Room ? SessionMode.InPerson : SessionMode.Online;

    public bool IsVideo => LocationKind == LocationKind.Video;

    public DateTimeOffset VideoOpensAt => StartsAt - VideoOpensBefore;

    /// <summary>The call can be joined from 15 minutes before the start until the session is marked over (held, cancelled, did not attend).</summary>
    public bool VideoIsOpen(DateTimeOffset now) => IsVideo && Status == SessionStatus.Scheduled && now >= VideoOpensAt;

    /// <summary>A shared note can be signed once the session has started (not for a meeting that has not happened).</summary>
    public bool NoteCanBeSigned(DateTimeOffset now) => now >= StartsAt;

    private void EnsureScheduled(string what)
    {
        if (Status != SessionStatus.Scheduled)
        {
            throw new DomainException($"This session is already marked \"{SessionWords.Label(Status, CancelledLate)}\", so it cannot be {what}.", DomainError.Conflict);
        }
    }

    private static void CheckTiming(DateTimeOffset startsAt, int durationMinutes, DateTimeOffset now)
    {
        if (durationMinutes is < MinDuration or > MaxDuration)
        {
            throw new DomainException($"A session lasts {MinDuration} to {MaxDuration} minutes.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["durationMinutes"] = [$"{MinDuration} to {MaxDuration}."] });
        }

        // Past sessions may be recorded after the fact, but not from another era.
        if (startsAt < now.AddYears(-1) || startsAt > now.AddYears(2))
        {
            throw new DomainException("Choose a start within the last year or the next two years.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["startsAt"] = ["Within the last year or the next two years."] });
        }
    }

    /// <summary>
    /// Online without a link is video in Tandem; online with an https link, or no mode and a link, is that link; otherwise a
    /// place in person, which must be named.
    /// </summary>
    internal static (string Place, LocationKind Kind) CheckPlace(string? location, SessionMode? mode)
    {
        if (mode is { } m && !Enum.IsDefined(m))
        {
            throw new DomainException("The mode is InPerson or Online.", DomainError.Invalid, new Dictionary<string, string[]> { ["mode"] = ["InPerson or Online."] });
        }

        if ((mode == SessionMode.Online && !LooksLikeLink(location)) || (mode is null && string.Equals((location ?? "").Trim(), VideoPlace, StringComparison.OrdinalIgnoreCase)))
        {
            return (VideoPlace, LocationKind.Video);
        }

        var (place, kind) = CheckLocation(location);
        if (mode == SessionMode.InPerson && kind != LocationKind.Room)
        {
            throw new DomainException("A session in person needs a place, not a link. For a session on another video service, choose Online.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["location"] = ["A room or an address."] });
        }

        return (place, kind);
    }

    private static bool LooksLikeLink(string? location) =>
        (location ?? "").Trim() is { } t && (t.Contains("://", StringComparison.Ordinal) || t.StartsWith("www.", StringComparison.OrdinalIgnoreCase));

    /// <summary>A room (any text) or an online link, which must be https so it opens safely.</summary>
    internal static (string Place, LocationKind Kind) CheckLocation(string? location)
    {
        var place = (location ?? "").Trim();
        if (place.Length is 0 or > LocationMaxLength)
        {
            throw new DomainException($"Give a room or an online link of 1 to {LocationMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["location"] = [$"1 to {LocationMaxLength} characters."] });
        }

        if (place.Contains("://", StringComparison.Ordinal) || place.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(place, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new DomainException("An online link must start with https://.", DomainError.Invalid,
                    new Dictionary<string, string[]> { ["location"] = ["An online link must start with https://."] });
            }

            return (uri.ToString(), LocationKind.Online);
        }

        return (place, LocationKind.Room);
    }
}
