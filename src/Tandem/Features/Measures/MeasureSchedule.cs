using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Measures;

public enum ScheduleKind
{
    /// <summary>Requested a set time before each session (needs an upcoming session date).</summary>
    BeforeEachSession,
    EveryNWeeks,
    Once,
}

/// <summary>When an instrument is asked for in one engagement.</summary>
public sealed class MeasureSchedule : IPracticeScoped
{
    public const int MaxWeeks = 52;
    public const int MaxLeadHours = 24 * 7;

    private MeasureSchedule()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public string InstrumentId { get; private set; } = "";

    public ScheduleKind Kind { get; private set; }

    /// <summary>For <see cref="ScheduleKind.EveryNWeeks"/>.</summary>
    public int? IntervalWeeks { get; private set; }

    /// <summary>For <see cref="ScheduleKind.BeforeEachSession"/>: how long before the session the request goes out.</summary>
    public int? LeadHours { get; private set; }

    public DateTimeOffset StartsAt { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset? StoppedAt { get; private set; }

    public bool IsActive => StoppedAt is null;

    public static MeasureSchedule Create(Engagement engagement, Instrument instrument, ScheduleKind kind, int? intervalWeeks, int? leadHours, Guid by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        ArgumentNullException.ThrowIfNull(instrument);
        engagement.EnsureNotEnded();
        if (!Enum.IsDefined(kind))
        {
            throw new DomainException("The schedule is BeforeEachSession, EveryNWeeks or Once.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["kind"] = ["BeforeEachSession, EveryNWeeks or Once."] });
        }

        if (kind == ScheduleKind.EveryNWeeks && intervalWeeks is not (>= 1 and <= MaxWeeks))
        {
            throw new DomainException($"Choose every 1 to {MaxWeeks} weeks.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["intervalWeeks"] = [$"1 to {MaxWeeks}."] });
        }

        if (kind == ScheduleKind.BeforeEachSession && leadHours is not (>= 1 and <= MaxLeadHours))
        {
            throw new DomainException($"Choose 1 to {MaxLeadHours} hours before the session.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["leadHours"] = [$"1 to {MaxLeadHours}."] });
        }

        return new MeasureSchedule
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            InstrumentId = instrument.Id,
            Kind = kind,
            IntervalWeeks = kind == ScheduleKind.EveryNWeeks ? intervalWeeks : null,
            LeadHours = kind == ScheduleKind.BeforeEachSession ? leadHours : null,
            StartsAt = now,
            CreatedBy = by,
        };
    }

    public void Stop(DateTimeOffset now) => StoppedAt ??= now;

    /// <summary>
    /// Whether a response is due now, given the respondent's latest response to this
    /// instrument and the next session's start (null when none is known).
    /// </summary>
    public bool IsDue(DateTimeOffset now, DateTimeOffset? lastResponse, DateTimeOffset? nextSession)
    {
        if (!IsActive || now < StartsAt)
        {
            return false;
        }

        var last = lastResponse >= StartsAt ? lastResponse : null;
        switch (Kind)
        {
            case ScheduleKind.Once:
                return last is null;
            case ScheduleKind.EveryNWeeks:
                return last is null || now >= last.Value.AddDays(7 * IntervalWeeks!.Value);
            default:
                if (nextSession is null)
                {
                    return false;
                }

                var opens = nextSession.Value.AddHours(-LeadHours!.Value);
                return now >= opens && (last is null || last < opens);
        }
    }

    public string Describe() => Kind switch
    {
        ScheduleKind.Once => "Once",
        ScheduleKind.EveryNWeeks => IntervalWeeks == 1 ? "Every week" : $"Every {IntervalWeeks} weeks",
        _ => $"Before each session ({LeadHours} hours ahead)",
    };
}
