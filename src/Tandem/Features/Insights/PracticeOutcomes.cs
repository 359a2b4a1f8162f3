using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Features.Plans;
using Tandem.Features.Practices;
using Tandem.Features.Sessions;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Insights;

/// <summary>
/// The practice outcome report: one use case for the page, the API and the CSV. The database
/// does the heavy reduction (millions of responses to one row per person and measure, with
/// count, sum, first and last score; sessions to one row per engagement), all inside the
/// practice's query filter; the figures are then computed by <see cref="OutcomeStatistics"/>.
/// A practice admin sees the whole practice, by therapist and by format; a therapist sees
/// their own caseload only. Everyone else is refused (404).
/// </summary>
public sealed class PracticeOutcomes(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public const int MaxYears = 10;

    private static readonly string[] Instruments =
        [InstrumentCatalog.Phq9, InstrumentCatalog.Gad7, InstrumentCatalog.CollaborationCheck, InstrumentCatalog.CollaborationCheckTherapist];

    private static readonly string[] CollaborationInstruments = [InstrumentCatalog.CollaborationCheck, InstrumentCatalog.CollaborationCheckTherapist];

    /// <summary>The period in the viewer's time zone: from and to are whole days, both included; default the last 12 months.</summary>
    public (DateOnly From, DateOnly To) ResolvePeriod(DateOnly? from, DateOnly? to)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZones.Find(me.TimeZone)).DateTime);
        var end = to ?? today;
        var start = from ?? end.AddMonths(-12).AddDays(1);
        var errors = new Dictionary<string, string[]>();
        if (start > end)
        {
            errors["from"] = ["The start of the period is after its end."];
        }
        else if (end.DayNumber - start.DayNumber > 366 * MaxYears)
        {
            errors["from"] = [$"Choose a period of at most {MaxYears} years."];
        }

        if (start.Year < 2000 || end.Year > 2200)
        {
            errors["period"] = ["Choose dates between the year 2000 and 2200."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException("Check the period.", DomainError.Invalid, errors);
        }

        return (start, end);
    }

    public async Task<OutcomeReport> ReportAsync(DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        var data = await LoadAsync(from, to, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "OutcomeReport",
            ObjectId = data.IsPractice ? "practice" : $"caseload:{me.Id}",
            DataCategory = AuditCategories.Clinical,
            Purpose = AuditPurposes.Administration,
        }, ct);

        var engagements = data.Engagements;
        var overall = Group("all", data.IsPractice ? "Whole practice" : "Your caseload", engagements, data);
        var byFormat = new[] { EngagementFormat.ClientLed, EngagementFormat.TherapistLed }
            .Select(f => Group(f.ToString(), f == EngagementFormat.ClientLed ? "Client-led" : "Therapist-led", engagements.Where(e => e.Format == f).ToList(), data))
            .ToList();
        List<GroupReport>? byTherapist = null;
        if (data.IsPractice)
        {
            byTherapist = data.TherapistNames
                .OrderBy(t => t.Value, StringComparer.CurrentCulture)
                .Select(t => Group(t.Key.ToString(), t.Value, engagements.Where(e => e.Therapists.Contains(t.Key)).ToList(), data))
                .ToList();
        }

        var overTime = await CollaborationOverTimeAsync(data, ct);
        return new OutcomeReport(
            data.IsPractice ? "practice" : "caseload",
            overall.Label,
            data.From,
            data.To,
            OutcomeStatistics.MinimumGroup,
            overall,
            byFormat,
            byTherapist,
            overTime,
            OutcomeDefinitions.All);
    }

    /// <summary>
    /// De-identified rows for the admin (one per client and engagement): no names, no ids, no
    /// dates finer than a quarter, therapists as T1, T2... and rows in random order. Refused
    /// when the practice has fewer than 5 people in the period.
    /// </summary>
    public async Task<string> CsvAsync(DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        if (me.Role != PersonRole.PracticeAdmin)
        {
            throw new DomainException("Not found.", DomainError.NotFound);
        }

        var data = await LoadAsync(from, to, ct);
        var people = data.Engagements.SelectMany(e => e.Clients.Select(c => (Engagement: e, Client: c))).ToList();
        if (people.Select(p => p.Client).Distinct().Count() < OutcomeStatistics.MinimumGroup)
        {
            throw new DomainException("This period has fewer than 5 people, so there is nothing to download without revealing someone.", DomainError.Invalid);
        }

        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Execute,
            ObjectType = "OutcomeReportCsv",
            ObjectId = "practice",
            DataCategory = AuditCategories.Clinical,
            Purpose = AuditPurposes.Export,
        }, ct);

        var therapistCodes = data.TherapistNames.Keys.OrderBy(_ => Random.Shared.Next())
            .Select((id, i) => (id, Code: "T" + (i + 1).ToString(CultureInfo.InvariantCulture))).ToDictionary(x => x.id, x => x.Code);
        var rows = people.OrderBy(_ => Random.Shared.Next()).ToList();
        var csv = new StringBuilder();
        csv.AppendLine("row,format,therapists,started_quarter,status,sessions_held,phq9_scores,phq9_first,phq9_last,phq9_change,phq9_recovery,gad7_scores,gad7_first,gad7_last,gad7_change,gad7_recovery,combined_change,combined_recovery,collaboration_client_mean,collaboration_therapist_mean,goal_rating_change");
        var inv = CultureInfo.InvariantCulture;
        for (var i = 0; i < rows.Count; i++)
        {
            var (e, client) = rows[i];
            var phq = data.Pair(e.Id, client, InstrumentCatalog.Phq9);
            var gad = data.Pair(e.Id, client, InstrumentCatalog.Gad7);
            var phqOutcome = phq is null ? null : ChangeRules.ForOne(StandardMeasure.Phq9, new MeasurePair(phq.First, phq.Last));
            var gadOutcome = gad is null ? null : ChangeRules.ForOne(StandardMeasure.Gad7, new MeasurePair(gad.First, gad.Last));
            var both = phq is null && gad is null ? null : ChangeRules.Paired(
                phq is null ? null : new MeasurePair(phq.First, phq.Last), gad is null ? null : new MeasurePair(gad.First, gad.Last));
            var clientMean = data.Mean(e.Id, client, InstrumentCatalog.CollaborationCheck);
            var therapistMean = data.TherapistCollaborationMean(e);
            var goalChanges = data.GoalChanges(e.Id, client);
            var started = TimeZoneInfo.ConvertTime(e.CreatedAt, data.Zone);
            string[] cells =
            [
                (i + 1).ToString(inv),
                e.Format == EngagementFormat.ClientLed ? "client-led" : "therapist-led",
                string.Join(' ', e.Therapists.Select(t => therapistCodes.GetValueOrDefault(t, "T?")).Order(StringComparer.Ordinal)),
                $"{started.Year}-Q{((started.Month - 1) / 3) + 1}",
                e.EndedAt is { } ended && ended < data.ToUtc ? "ended" : "open",
                data.SessionsInPeriod(e.Id).ToString(inv),
                data.Count(e.Id, client, InstrumentCatalog.Phq9).ToString(inv),
                phq?.First.ToString(inv) ?? "",
                phq?.Last.ToString(inv) ?? "",
                Change(phqOutcome),
                Recovery(phqOutcome),
                data.Count(e.Id, client, InstrumentCatalog.Gad7).ToString(inv),
                gad?.First.ToString(inv) ?? "",
                gad?.Last.ToString(inv) ?? "",
                Change(gadOutcome),
                Recovery(gadOutcome),
                Change(both),
                Recovery(both),
                clientMean?.ToString("0.0", inv) ?? "",
                therapistMean?.ToString("0.0", inv) ?? "",
                goalChanges.Count == 0 ? "" : goalChanges.Average().ToString("0.0", inv),
            ];
            csv.AppendLine(string.Join(',', cells));
        }

        return csv.ToString();

        static string Change(PairedOutcome? o) => o is null ? "" : o.Change switch
        {
            ReliableChange.Improvement => "reliable-improvement",
            ReliableChange.Deterioration => "reliable-deterioration",
            ReliableChange.Mixed => "mixed",
            _ => "no-reliable-change",
        };

        static string Recovery(PairedOutcome? o) => o is null ? "" : o.Recovery switch
        {
            RecoveryStatus.ReliablyRecovered => "reliable-recovery",
            RecoveryStatus.Recovered => "recovery",
            RecoveryStatus.NotRecovered => "not-recovered",
            _ => "not-a-case-at-start",
        };
    }

    private static GroupReport Group(string key, string label, IReadOnlyList<ScopedEngagement> engagements, OutcomeData data)
    {
        var clients = engagements.SelectMany(e => e.Clients).Distinct().Count();
        if (clients is > 0 and < OutcomeStatistics.MinimumGroup)
        {
            return Suppressed(key, label);
        }

        var pairsBy = (string instrument) => engagements
            .SelectMany(e => e.Clients.Select(c => data.Pair(e.Id, c, instrument)))
            .OfType<ScorePair>()
            .ToList();
        var phq = pairsBy(InstrumentCatalog.Phq9);
        var gad = pairsBy(InstrumentCatalog.Gad7);
        var paired = engagements.SelectMany(e => e.Clients.Select(c => (data.Pair(e.Id, c, InstrumentCatalog.Phq9), data.Pair(e.Id, c, InstrumentCatalog.Gad7)))).ToList();

        var clientMeans = engagements.SelectMany(e => e.Clients.Select(c => data.Mean(e.Id, c, InstrumentCatalog.CollaborationCheck))).OfType<double>().ToList();
        var therapistMeans = engagements.Select(data.TherapistCollaborationMean).OfType<double>().ToList();
        var gaps = engagements
            .Select(e => (Therapist: data.TherapistCollaborationMean(e), Client: Average(e.Clients.Select(c => data.Mean(e.Id, c, InstrumentCatalog.CollaborationCheck)))))
            .Where(x => x.Therapist is not null && x.Client is not null)
            .Select(x => x.Therapist!.Value - x.Client!.Value)
            .ToList();
        var goalChanges = engagements.SelectMany(e => e.Clients.Select(c => (Client: c, Changes: data.GoalChanges(e.Id, c)))).Where(x => x.Changes.Count > 0).ToList();
        var goalPeople = goalChanges.Select(x => x.Client).Distinct().Count();
        var allGoalChanges = goalChanges.SelectMany(x => x.Changes).Select(c => (double)c).ToList();

        return new GroupReport(
            key,
            label,
            OutcomeStatistics.Count(clients),
            false,
            OutcomeStatistics.Count(engagements.Count(e => e.CreatedAt >= data.FromUtc)),
            OutcomeStatistics.Count(engagements.Count),
            OutcomeStatistics.Count(engagements.Count(e => e.EndedAt is { } end && end >= data.FromUtc && end < data.ToUtc)),
            OutcomeStatistics.Plain(engagements.Sum(e => data.SessionsInPeriod(e.Id))),
            OutcomeStatistics.Dropout(engagements.Where(e => e.EndedAt is { } end && end >= data.FromUtc && end < data.ToUtc).Select(e => data.SessionsEver(e.Id)).ToList()),
            [
                OutcomeStatistics.ForMeasure(StandardMeasure.Phq9, phq),
                OutcomeStatistics.ForMeasure(StandardMeasure.Gad7, gad),
                OutcomeStatistics.Paired(paired),
            ],
            new CollaborationFigures(
                OutcomeStatistics.Mean(clientMeans),
                OutcomeStatistics.Mean(therapistMeans),
                OutcomeStatistics.Mean(gaps, "+0.0;-0.0;0.0")),
            new GoalFigures(
                goalPeople is > 0 and < OutcomeStatistics.MinimumGroup
                    ? new MeanFigure(null, null, true, OutcomeStatistics.FewerThanFive)
                    : OutcomeStatistics.Mean(allGoalChanges, "+0.0;-0.0;0.0"),
                OutcomeStatistics.Count(allGoalChanges.Count)));
    }

    private static GroupReport Suppressed(string key, string label)
    {
        var count = new CountFigure(null, true, OutcomeStatistics.FewerThanFive);
        var rate = new RateFigure(null, null, null, true, OutcomeStatistics.FewerThanFive);
        var mean = new MeanFigure(null, null, true, OutcomeStatistics.FewerThanFive);
        var effect = new EffectSizeFigure(null, null, null, null, true, OutcomeStatistics.FewerThanFive);
        MeasureOutcome Measure(string k, string name, bool withMeans) => new(k, name, count, rate, rate, rate, rate, withMeans ? mean : null, withMeans ? mean : null, withMeans ? effect : null);
        return new GroupReport(key, label, count, true, count, count, count, count, rate,
            [Measure(StandardMeasure.Phq9.InstrumentId, StandardMeasure.Phq9.Name, true), Measure(StandardMeasure.Gad7.InstrumentId, StandardMeasure.Gad7.Name, true), Measure("phq-9+gad-7", "PHQ-9 + GAD-7", false)],
            new CollaborationFigures(mean, mean, mean),
            new GoalFigures(mean, count));
    }

    private static double? Average(IEnumerable<double?> values)
    {
        var list = values.OfType<double>().ToList();
        return list.Count == 0 ? null : list.Average();
    }

    private async Task<List<CollaborationPoint>> CollaborationOverTimeAsync(OutcomeData data, CancellationToken ct)
    {
        var points = new List<CollaborationPoint>();
        foreach (var (label, start, end) in Buckets(data.From, data.To))
        {
            var fromUtc = Utc(start, data.Zone);
            var toUtc = Utc(end.AddDays(1), data.Zone);
            var rows = await Scoped(db.Set<MeasureResponse>().AsNoTracking(), data)
                .Where(r => r.Total != null && r.SubmittedAt >= fromUtc && r.SubmittedAt < toUtc && CollaborationInstruments.Contains(r.InstrumentId))
                .GroupBy(r => new { r.EngagementId, r.RespondentId, r.InstrumentId })
                .Select(g => new { g.Key.EngagementId, g.Key.RespondentId, g.Key.InstrumentId, Mean = g.Average(r => (double)r.Total!.Value) })
                .ToListAsync(ct);
            var inScope = rows.Where(r => data.ById.ContainsKey(r.EngagementId)).ToList();
            var client = inScope.Where(r => r.InstrumentId == InstrumentCatalog.CollaborationCheck).ToList();
            var therapist = inScope.Where(r => r.InstrumentId == InstrumentCatalog.CollaborationCheckTherapist)
                .GroupBy(r => r.EngagementId).Select(g => (Engagement: g.Key, Mean: g.Average(x => x.Mean))).ToList();
            var clientByEngagement = client.GroupBy(r => r.EngagementId).ToDictionary(g => g.Key, g => g.Average(x => x.Mean));
            var gaps = therapist.Where(t => clientByEngagement.ContainsKey(t.Engagement)).Select(t => t.Mean - clientByEngagement[t.Engagement]).ToList();
            points.Add(new CollaborationPoint(
                label, start, end,
                OutcomeStatistics.Mean(client.Select(c => c.Mean).ToList()),
                OutcomeStatistics.Mean(therapist.Select(t => t.Mean).ToList()),
                OutcomeStatistics.Mean(gaps, "+0.0;-0.0;0.0")));
        }

        return points;
    }

    /// <summary>Months for a period up to a year, quarters up to three years, years beyond: never more than a dozen or so points.</summary>
    internal static IEnumerable<(string Label, DateOnly From, DateOnly To)> Buckets(DateOnly from, DateOnly to)
    {
        var months = ((to.Year - from.Year) * 12) + to.Month - from.Month + 1;
        var step = months <= 13 ? 1 : months <= 39 ? 3 : 12;
        var cursor = step switch
        {
            1 => new DateOnly(from.Year, from.Month, 1),
            3 => new DateOnly(from.Year, (((from.Month - 1) / 3) * 3) + 1, 1),
            _ => new DateOnly(from.Year, 1, 1),
        };
        while (cursor <= to)
        {
            var next = cursor.AddMonths(step);
            var start = cursor < from ? from : cursor;
            var end = next.AddDays(-1) > to ? to : next.AddDays(-1);
            var label = step switch
            {
                1 => cursor.ToString("MMM yyyy", CultureInfo.InvariantCulture),
                3 => $"Q{((cursor.Month - 1) / 3) + 1} {cursor.Year}",
                _ => cursor.Year.ToString(CultureInfo.InvariantCulture),
            };
            yield return (label, start, end);
            cursor = next;
        }
    }

    private static IQueryable<MeasureResponse> Scoped(IQueryable<MeasureResponse> source, OutcomeData data)
    {
        var caseload = data.Caseload;
        return data.IsPractice ? source : source.Where(r => caseload.Contains(r.EngagementId));
    }

    private static DateTimeOffset Utc(DateOnly day, TimeZoneInfo zone)
    {
        var wall = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
        {
            wall = wall.AddHours(1);
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
    }

    private async Task<OutcomeData> LoadAsync(DateOnly? fromDay, DateOnly? toDay, CancellationToken ct)
    {
        var isPractice = me.Role == PersonRole.PracticeAdmin;
        if (!isPractice && me.Role != PersonRole.Therapist)
        {
            throw new DomainException("Not found.", DomainError.NotFound);
        }

        var (from, to) = ResolvePeriod(fromDay, toDay);
        var zone = TimeZones.Find(me.TimeZone);
        var fromUtc = Utc(from, zone);
        var toUtc = Utc(to.AddDays(1), zone);
        var therapistId = me.Id;

        var engagementQuery = db.Engagements.AsNoTracking()
            .Where(e => e.Status != EngagementStatus.Invited && e.CreatedAt < toUtc && (e.EndedAt == null || e.EndedAt >= fromUtc));
        if (!isPractice)
        {
            engagementQuery = engagementQuery.Where(e => e.Participants.Any(p => p.UserId == therapistId && p.Role == ParticipantRole.Therapist));
        }

        var engagementRows = await engagementQuery
            .Select(e => new { e.Id, e.Format, e.CreatedAt, e.EndedAt })
            .ToListAsync(ct);
        var participantRows = await db.Participants.AsNoTracking()
            .Where(p => engagementQuery.Any(e => e.Id == p.EngagementId))
            .Select(p => new { p.EngagementId, p.UserId, p.Role })
            .ToListAsync(ct);
        var byEngagement = participantRows.ToLookup(p => p.EngagementId);
        var engagements = engagementRows.Select(e => new ScopedEngagement(
            e.Id, e.Format, e.CreatedAt, e.EndedAt,
            byEngagement[e.Id].Where(p => p.Role == ParticipantRole.Client).Select(p => p.UserId).Distinct().ToList(),
            byEngagement[e.Id].Where(p => p.Role == ParticipantRole.Therapist).Select(p => p.UserId).Distinct().ToList())).ToList();

        // A therapist's caseload is a short list of engagement ids (a parameter), cheaper than a join per row.
        var caseload = engagements.Select(e => e.Id).ToList();

        // One row per person and measure in the period: count, sum, first and last score.
        var responses = db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.Total != null && r.SubmittedAt >= fromUtc && r.SubmittedAt < toUtc && Instruments.Contains(r.InstrumentId));
        if (!isPractice)
        {
            responses = responses.Where(r => caseload.Contains(r.EngagementId));
        }

        var scores = await responses
            .GroupBy(r => new { r.EngagementId, r.RespondentId, r.InstrumentId })
            .Select(g => new PersonScores(
                g.Key.EngagementId,
                g.Key.RespondentId,
                g.Key.InstrumentId,
                g.Count(),
                g.Sum(r => r.Total!.Value),
                g.OrderBy(r => r.SubmittedAt).Select(r => r.Total!.Value).First(),
                g.OrderByDescending(r => r.SubmittedAt).Select(r => r.Total!.Value).First()))
            .ToListAsync(ct);

        // Held sessions per engagement: in the period, and ever (for dropout).
        var sessions = db.Set<Session>().AsNoTracking().Where(s => s.Status == SessionStatus.Completed);
        if (!isPractice)
        {
            sessions = sessions.Where(s => caseload.Contains(s.EngagementId));
        }

        var sessionCounts = await sessions
            .GroupBy(s => s.EngagementId)
            .Select(g => new { g.Key, Ever = g.Count(), InPeriod = g.Count(s => s.StartsAt >= fromUtc && s.StartsAt < toUtc) })
            .ToListAsync(ct);

        // Each goal's first and last rating by a client in the period.
        var ratings = db.Set<GoalRating>().AsNoTracking().Where(r => r.RaterRole == ParticipantRole.Client && r.At >= fromUtc && r.At < toUtc);
        if (!isPractice)
        {
            ratings = ratings.Where(r => caseload.Contains(r.EngagementId));
        }

        var goalRows = await ratings
            .GroupBy(r => new { r.EngagementId, r.GoalId, r.RaterId })
            .Where(g => g.Count() > 1)
            .Select(g => new GoalScores(
                g.Key.EngagementId,
                g.Key.RaterId,
                g.OrderBy(r => r.At).Select(r => r.Value).First(),
                g.OrderByDescending(r => r.At).Select(r => r.Value).First()))
            .ToListAsync(ct);

        var therapistIds = engagements.SelectMany(e => e.Therapists).Distinct().ToList();
        var names = isPractice
            ? await db.Users.AsNoTracking().Where(u => therapistIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct)
            : [];

        return new OutcomeData(isPractice, therapistId, from, to, fromUtc, toUtc, zone, engagements, caseload, scores, sessionCounts.ToDictionary(s => s.Key, s => (s.Ever, s.InPeriod)), goalRows, names);
    }
}

/// <summary>An engagement in the report's scope with its clients and therapists (ever).</summary>
internal sealed record ScopedEngagement(Guid Id, EngagementFormat Format, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt, IReadOnlyList<Guid> Clients, IReadOnlyList<Guid> Therapists);

internal sealed record PersonScores(Guid EngagementId, Guid RespondentId, string InstrumentId, int Count, int Sum, int First, int Last);

internal sealed record GoalScores(Guid EngagementId, Guid RaterId, int First, int Last);

/// <summary>What the database reduced, indexed for the figures.</summary>
internal sealed class OutcomeData
{
    private readonly Dictionary<(Guid, Guid, string), PersonScores> _scores;
    private readonly Dictionary<Guid, (int Ever, int InPeriod)> _sessions;
    private readonly ILookup<(Guid, Guid), GoalScores> _goals;

    public OutcomeData(bool isPractice, Guid therapistId, DateOnly from, DateOnly to, DateTimeOffset fromUtc, DateTimeOffset toUtc, TimeZoneInfo zone,
        IReadOnlyList<ScopedEngagement> engagements, IReadOnlyList<Guid> caseload, IReadOnlyList<PersonScores> scores, Dictionary<Guid, (int Ever, int InPeriod)> sessions,
        IReadOnlyList<GoalScores> goals, IReadOnlyDictionary<Guid, string> therapistNames)
    {
        IsPractice = isPractice;
        TherapistId = therapistId;
        From = from;
        To = to;
        FromUtc = fromUtc;
        ToUtc = toUtc;
        Zone = zone;
        Engagements = engagements;
        Caseload = caseload;
        ById = engagements.ToDictionary(e => e.Id);
        _scores = scores.ToDictionary(s => (s.EngagementId, s.RespondentId, s.InstrumentId));
        _sessions = sessions;
        _goals = goals.ToLookup(g => (g.EngagementId, g.RaterId));
        TherapistNames = therapistNames;
    }

    public bool IsPractice { get; }

    public Guid TherapistId { get; }

    public DateOnly From { get; }

    public DateOnly To { get; }

    public DateTimeOffset FromUtc { get; }

    public DateTimeOffset ToUtc { get; }

    public TimeZoneInfo Zone { get; }

    public IReadOnlyList<ScopedEngagement> Engagements { get; }

    /// <summary>The ids of <see cref="Engagements"/>, for filtering a therapist's queries.</summary>
    public IReadOnlyList<Guid> Caseload { get; }

    public IReadOnlyDictionary<Guid, ScopedEngagement> ById { get; }

    public IReadOnlyDictionary<Guid, string> TherapistNames { get; }

    /// <summary>First and last score when the person has at least two in the period.</summary>
    public ScorePair? Pair(Guid engagementId, Guid personId, string instrumentId) =>
        _scores.TryGetValue((engagementId, personId, instrumentId), out var s) && s.Count >= 2 ? new ScorePair(s.First, s.Last) : null;

    public int Count(Guid engagementId, Guid personId, string instrumentId) =>
        _scores.TryGetValue((engagementId, personId, instrumentId), out var s) ? s.Count : 0;

    public double? Mean(Guid engagementId, Guid personId, string instrumentId) =>
        _scores.TryGetValue((engagementId, personId, instrumentId), out var s) && s.Count > 0 ? (double)s.Sum / s.Count : null;

    /// <summary>The therapists' own Collaboration Check mean in one engagement (all their ratings together).</summary>
    public double? TherapistCollaborationMean(ScopedEngagement engagement)
    {
        var rows = engagement.Therapists
            .Select(t => _scores.GetValueOrDefault((engagement.Id, t, InstrumentCatalog.CollaborationCheckTherapist)))
            .OfType<PersonScores>()
            .ToList();
        var count = rows.Sum(r => r.Count);
        return count == 0 ? null : (double)rows.Sum(r => r.Sum) / count;
    }

    public int SessionsInPeriod(Guid engagementId) => _sessions.TryGetValue(engagementId, out var s) ? s.InPeriod : 0;

    public int SessionsEver(Guid engagementId) => _sessions.TryGetValue(engagementId, out var s) ? s.Ever : 0;

    public IReadOnlyList<int> GoalChanges(Guid engagementId, Guid clientId) => _goals[(engagementId, clientId)].Select(g => g.Last - g.First).ToList();
}
