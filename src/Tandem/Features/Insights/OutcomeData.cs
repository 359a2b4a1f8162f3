using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Plans;
using Tandem.Features.Sessions;

namespace Tandem.Features.Insights;

/// <summary>One Collaboration Check total (client or therapist form).</summary>
internal sealed record CollaborationRating(Guid EngagementId, Guid RespondentId, string InstrumentId, DateTimeOffset At, int Total, int Month = 0);

/// <summary>
/// What the database reduces for one report: engagements of the scope, the courses that ended in
/// the period's year (first and last score ever) and those still going at the period's end
/// (first score ever and the last by then), held sessions of the year by month, and the period's
/// Collaboration Checks and goal ratings. Days are in the practice's time zone.
/// </summary>
internal sealed class OutcomeData
{
    private static readonly string[] Scored = [InstrumentCatalog.Phq9, InstrumentCatalog.Gad7];

    public required bool IsPractice { get; init; }

    public required ReportPeriod Period { get; init; }

    public required TimeZoneInfo Zone { get; init; }

    public required IReadOnlyList<EngagementFacts> Engagements { get; init; }

    public required ILookup<Guid, Guid> ClientsOf { get; init; }

    public required ILookup<Guid, Guid> TherapistsOf { get; init; }

    public required IReadOnlyList<Course> FinishedInYear { get; init; }

    public required IReadOnlyList<Course> OpenAtEnd { get; init; }

    public required IReadOnlyList<SessionMonth> SessionMonths { get; init; }

    public required IReadOnlyDictionary<string, string> TherapistNames { get; init; }

    /// <summary>The period's Collaboration Checks, client and therapist forms.</summary>
    public required IReadOnlyList<CollaborationRating> Collaboration { get; init; }

    /// <summary>Mean Collaboration Check per (engagement, person, instrument), in the period or in one of its months.</summary>
    public Dictionary<(Guid, Guid, string), double> CollaborationMeans(int? month = null) => Collaboration
        .Where(r => month is null || r.Month == month)
        .GroupBy(r => (r.EngagementId, r.RespondentId, r.InstrumentId))
        .ToDictionary(g => g.Key, g => g.Average(r => (double)r.Total));

    /// <summary>The period's CollaboRATE answers by clients: (engagement, client, total 0-27).</summary>
    public IReadOnlyList<(Guid EngagementId, Guid ClientId, int Total)> SharedDecisions { get; init; } = [];

    /// <summary>Off-track reviews whose four weeks closed in the period's year (issue 24).</summary>
    public required IReadOnlyList<ReviewEpisode> Reviews { get; init; }

    /// <summary>Each goal's last minus first client rating in the period, per (engagement, client).</summary>
    public required ILookup<(Guid, Guid), int> GoalChanges { get; init; }

    public static DateTimeOffset Utc(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var wall = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
        {
            wall = wall.AddHours(1);
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
    }

    public static DateOnly Day(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>Engagements open at some time in the period.</summary>
    public IEnumerable<EngagementFacts> OpenInPeriod => Engagements.Where(e => e.Started <= Period.To && (e.Ended is null || e.Ended >= Period.From));

    public static async Task<OutcomeData> LoadAsync(TandemDbContext db, bool isPractice, Guid therapistId, ReportPeriod period, TimeZoneInfo zone, CancellationToken ct)
    {
        var query = db.Engagements.AsNoTracking().Where(e => e.Status != EngagementStatus.Invited);
        if (!isPractice)
        {
            query = query.Where(e => e.Participants.Any(p => p.UserId == therapistId && p.Role == ParticipantRole.Therapist));
        }

        var rows = await query.Select(e => new { e.Id, e.Format, e.CreatedAt, e.EndedAt, e.Status }).ToListAsync(ct);

        // Everything else is read by these engagements' ids, so each table is sought by practice and engagement. Asked
        // "is its engagement in the report" row by row instead, SQLite walked its (status, start) index of every practice's
        // sessions: the report of one caseload took 6 times longer on 20 practices than on 2 of the same size (issue 25).
        var ids = rows.Select(e => e.Id).ToList();
        var participants = await db.Participants.AsNoTracking()
            .Where(p => ids.Contains(p.EngagementId))
            .Select(p => new { p.EngagementId, p.UserId, p.Role })
            .ToListAsync(ct);
        var clients = participants.Where(p => p.Role == ParticipantRole.Client).Select(p => (p.EngagementId, p.UserId)).Distinct().ToLookup(p => p.EngagementId, p => p.UserId);
        var therapists = participants.Where(p => p.Role == ParticipantRole.Therapist).Select(p => (p.EngagementId, p.UserId)).Distinct().ToLookup(p => p.EngagementId, p => p.UserId);
        string GroupOf(Guid engagement) => therapists[engagement].Count() == 1 ? therapists[engagement].Single().ToString() : ReportGroups.Shared;
        var engagements = rows.Select(e => new EngagementFacts(e.Id, e.Format, GroupOf(e.Id), Day(e.CreatedAt, zone), e.EndedAt is { } end ? Day(end, zone) : null, e.Status)).ToList();

        var year = ReportPeriod.YearOf(period.Year);
        var yearFrom = Utc(year.From, zone);
        var yearTo = Utc(year.To.AddDays(1), zone);
        var periodFrom = Utc(period.From, zone);
        var periodTo = Utc(period.To.AddDays(1), zone);

        // Held sessions: per engagement ever (dropout), and the year's by month.
        var held = db.Set<Session>().AsNoTracking().Where(s => ids.Contains(s.EngagementId) && s.Status == SessionStatus.Completed);
        var sessionsEver = await held.GroupBy(s => s.EngagementId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        // The status is checked here, not in the query: with it there, SQLite takes its (status, start) index across every practice.
        var yearSessions = (await db.Set<Session>().AsNoTracking()
                .Where(s => ids.Contains(s.EngagementId) && s.StartsAt >= yearFrom && s.StartsAt < yearTo)
                .Select(s => new { s.EngagementId, s.StartsAt, s.Status })
                .ToListAsync(ct))
            .Where(s => s.Status == SessionStatus.Completed)
            .ToList();
        var sessionMonths = yearSessions
            .GroupBy(s => (s.EngagementId, Day(s.StartsAt, zone).Month))
            .Select(g => new SessionMonth(g.Key.EngagementId, g.Key.Month, g.Count(), clients[g.Key.EngagementId].ToList()))
            .ToList();

        // Courses that ended in the year: first and last score ever.
        var endedIds = engagements.Where(e => e.Ended?.Year == period.Year).Select(e => e.Id).ToList();
        var everScores = await ScoresAsync(db, endedIds, null, ct);
        var finished = engagements.Where(e => e.Ended?.Year == period.Year)
            .SelectMany(e => clients[e.Id].Select(c => CourseOf(e, c, sessionsEver, everScores)))
            .ToList();

        // Courses still going at the end of the period: first score ever, last by then.
        var open = engagements.Where(e => e.Started <= period.To && (e.Ended is null || e.Ended > period.To)).ToList();
        var byThen = await ScoresAsync(db, open.Select(e => e.Id).ToList(), periodTo, ct);
        var openCourses = open.SelectMany(e => clients[e.Id].Select(c => CourseOf(e, c, sessionsEver, byThen))).ToList();

        // The period's Collaboration Checks (mean per person) and goal ratings (last minus first per goal).
        var inPeriod = engagements.Where(e => e.Started <= period.To && (e.Ended is null || e.Ended >= period.From)).Select(e => e.Id).ToList();
        var collaborationRows = await db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.Total != null && r.SubmittedAt >= periodFrom && r.SubmittedAt < periodTo
                && (r.InstrumentId == InstrumentCatalog.CollaborationCheck || r.InstrumentId == InstrumentCatalog.CollaborationCheckTherapist)
                && inPeriod.Contains(r.EngagementId))
            .Select(r => new CollaborationRating(r.EngagementId, r.RespondentId, r.InstrumentId, r.SubmittedAt, r.Total!.Value))
            .ToListAsync(ct);
        var sharedDecisionRows = await db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.Total != null && r.SubmittedAt >= periodFrom && r.SubmittedAt < periodTo
                && r.InstrumentId == InstrumentCatalog.Collaborate && inPeriod.Contains(r.EngagementId))
            .Select(r => new { r.EngagementId, r.RespondentId, Total = r.Total!.Value })
            .ToListAsync(ct);
        var goalRows = await db.Set<GoalRating>().AsNoTracking()
            .Where(r => r.RaterRole == ParticipantRole.Client && r.At >= periodFrom && r.At < periodTo && inPeriod.Contains(r.EngagementId))
            .GroupBy(r => new { r.EngagementId, r.GoalId, r.RaterId })
            .Where(g => g.Count() > 1)
            .Select(g => new
            {
                g.Key.EngagementId,
                g.Key.RaterId,
                First = g.OrderBy(r => r.At).Select(r => r.Value).First(),
                Last = g.OrderByDescending(r => r.At).Select(r => r.Value).First(),
            })
            .ToListAsync(ct);

        // Off-track reviews (issue 24) whose four weeks for a review closed in the year.
        var reviewFrom = yearFrom - ReviewFidelity.Window;
        var reviewTo = yearTo - ReviewFidelity.Window;
        var reviewRows = await db.Set<Measures.Reviews.OffTrackReview>().AsNoTracking()
            .Where(r => ids.Contains(r.EngagementId) && r.SignalAt >= reviewFrom && r.SignalAt < reviewTo)
            .Select(r => new { r.EngagementId, r.SignalAt, r.CompletedAt })
            .ToListAsync(ct);
        var reviews = reviewRows.Select(r => new ReviewEpisode(r.EngagementId, Day(r.SignalAt + ReviewFidelity.Window, zone),
                r.CompletedAt is { } done && done - r.SignalAt <= ReviewFidelity.Window ? (done - r.SignalAt).TotalDays : null))
            .ToList();

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (isPractice)
        {
            var therapistIds = therapists.SelectMany(t => t).Distinct().ToList();
            foreach (var u in await db.Users.AsNoTracking().Where(u => therapistIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
            {
                names[u.Id.ToString()] = u.DisplayName;
            }
        }

        return new OutcomeData
        {
            IsPractice = isPractice,
            Period = period,
            Zone = zone,
            Engagements = engagements,
            ClientsOf = clients,
            TherapistsOf = therapists,
            FinishedInYear = finished,
            OpenAtEnd = openCourses,
            SessionMonths = sessionMonths,
            TherapistNames = names,
            Collaboration = collaborationRows.Select(r => r with { Month = Day(r.At, zone).Month }).ToList(),
            SharedDecisions = sharedDecisionRows.Where(r => clients[r.EngagementId].Contains(r.RespondentId)).Select(r => (r.EngagementId, r.RespondentId, r.Total)).ToList(),
            Reviews = reviews,
            GoalChanges = goalRows.ToLookup(g => (g.EngagementId, g.RaterId), g => g.Last - g.First),
        };
    }

    private static Course CourseOf(EngagementFacts e, Guid client, Dictionary<Guid, int> sessions, Dictionary<(Guid, Guid, string), MeasureSeries> scores) => new(
        e.Id, client, e.Format, e.TherapistGroup, e.Started, e.Ended, e.Status, sessions.GetValueOrDefault(e.Id),
        scores.GetValueOrDefault((e.Id, client, InstrumentCatalog.Phq9)),
        scores.GetValueOrDefault((e.Id, client, InstrumentCatalog.Gad7)));

    /// <summary>Count, first and last PHQ-9 and GAD-7 totals per (engagement, person), before <paramref name="before"/> when given.</summary>
    private static async Task<Dictionary<(Guid, Guid, string), MeasureSeries>> ScoresAsync(TandemDbContext db, List<Guid> engagementIds, DateTimeOffset? before, CancellationToken ct)
    {
        if (engagementIds.Count == 0)
        {
            return [];
        }

        var responses = db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.Total != null && Scored.Contains(r.InstrumentId) && engagementIds.Contains(r.EngagementId));
        if (before is { } b)
        {
            responses = responses.Where(r => r.SubmittedAt < b);
        }

        var rows = await responses
            .GroupBy(r => new { r.EngagementId, r.RespondentId, r.InstrumentId })
            .Select(g => new
            {
                g.Key.EngagementId,
                g.Key.RespondentId,
                g.Key.InstrumentId,
                Count = g.Count(),
                First = g.OrderBy(r => r.SubmittedAt).Select(r => r.Total!.Value).First(),
                Last = g.OrderByDescending(r => r.SubmittedAt).Select(r => r.Total!.Value).First(),
            })
            .ToListAsync(ct);
        return rows.ToDictionary(r => (r.EngagementId, r.RespondentId, r.InstrumentId), r => new MeasureSeries(r.Count, r.First, r.Last));
    }

    /// <summary>The first month of the year (1-12) in which a therapist group had an engagement open; 13 when none.</summary>
    public int FirstMonthOf(string therapistGroup)
    {
        var year = ReportPeriod.YearOf(Period.Year);
        var first = 13;
        foreach (var e in Engagements.Where(e => e.TherapistGroup == therapistGroup && e.Started <= year.To && (e.Ended is null || e.Ended >= year.From)))
        {
            first = Math.Min(first, e.Started < year.From ? 1 : e.Started.Month);
        }

        return first;
    }
}
