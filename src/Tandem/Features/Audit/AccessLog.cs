using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tandem.Data;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Audit;

public sealed record AccessLogEntry(long Id, DateTimeOffset At, Guid? UserId, string Who, string Role, string Action, string ObjectType, string Sentence, bool BreakGlass, string? BreakGlassReason, string Outcome);

/// <summary>How often one person opened one part of the record ("plan", "session notes").</summary>
public sealed record AccessSummaryItem(string What, int Count);

/// <summary>One person's visits in the summary; <see cref="UserId"/> is null for people without access.</summary>
public sealed record AccessSummaryPerson(Guid? UserId, string Name, IReadOnlyList<AccessSummaryItem> Items);

/// <summary>The week at a glance: who else opened what, and the same in one plain sentence.</summary>
public sealed record AccessLogSummary(DateTimeOffset Since, IReadOnlyList<AccessSummaryPerson> People, string Sentence);

/// <summary>One of the engagement's people, as the page's filter offers them.</summary>
public sealed record AccessLogPerson(Guid UserId, string Name);

/// <summary>The access log page: the engagement's title, its other people, one page of entries and (on the first page) the week's summary.</summary>
public sealed record AccessLogPageView(string Title, bool ViewerIsClient, int ClientCount, IReadOnlyList<AccessLogPerson> Others, IReadOnlyList<AccessLogEntry> Entries, AccessLogSummary? Summary);

/// <summary>How often one person opened one kind of record.</summary>
internal sealed record ReadCount(Guid UserId, string ObjectType, int Count);

/// <summary>The columns of an audit entry its sentence is made from.</summary>
internal sealed class LogRow
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    public Guid? UserId { get; init; }

    public string? Role { get; init; }

    public AuditAction Action { get; init; }

    public string ObjectType { get; init; } = "";

    public string? ObjectId { get; init; }

    public string Purpose { get; init; } = "";

    public AuditOutcome Outcome { get; init; }
}

/// <summary>
/// "Who opened my record and when", in plain words, for the participants of an engagement.
/// A client sees everything about the shared record and their own personal records, never
/// another client's personal records; attempts by people without access show as "someone".
/// </summary>
public sealed class AccessLog(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, IMemoryCache cache, AccessLogSettings settings, KeptAccessLogPages kept, BreakGlassContext breakGlass)
{
    /// <summary>The parts of a record the summary counts, in the order it names them.</summary>
    private static readonly (string What, string[] ObjectTypes)[] SummaryParts =
    [
        ("plan", ["Plan", "PlanHistory", "ProposalList", "Proposal"]),
        ("session notes", ["SharedNote", "Note", "NoteAmendment", "Amendment", "Annotation", "Reflection"]),
        ("sessions", ["Session", "Sessions", "SessionList", "Schedule", "Agenda", "AgendaItem"]),
        ("messages", ["MessageThread", "Message", "Messages", "Conversation"]),
        ("questionnaires", ["Response", "Responses", "QuestionnaireResponse", "MeasureResponse", "MeasureResponseList", "MeasureProgress", "Progress", "PreferencesResult"]),
        ("check-ins on how the work is going", ["OffTrackReview", "OffTrackReviewList"]),
        ("agreement", ["Agreement"]),
        ("record download", ["Export", "FhirExport"]),
    ];

    /// <summary>The kinds of read the summary counts; <see cref="AccessReadCount"/> keeps hourly totals of these only.</summary>
    internal static readonly HashSet<string> CountedObjectTypes = [.. SummaryParts.SelectMany(p => p.ObjectTypes)];

    /// <summary>The same kinds as a list, the shape the summary's queries send to the database.</summary>
    private static readonly List<string> CountedList = [.. CountedObjectTypes];

    /// <summary>
    /// Who else opened which part of the record in the last seven days, counted in SQL, with a
    /// sentence for the top of the page: "This week Alex opened your plan 3 times and your
    /// session notes twice." Only reads a person chose to make (not live updates), by others.
    /// </summary>
    public async Task<AccessLogSummary> SummaryAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "AccessLog", ct);
        var viewer = me.Id;
        var since = time.GetUtcNow().AddDays(-7);
        var counts = await SummaryCountsAsync(engagement, viewer, since, ct);
        var names = await db.DisplayNamesAsync(NamedIn(engagement, counts), ct);
        await RecordAsync(engagementId, ct);
        return Summary(engagement, viewer, since, counts, names);
    }

    /// <param name="othersOnly">Leave out the viewer's own visits and changes (the page's default: a person wants to know who else looked).</param>
    public async Task<IReadOnlyList<AccessLogEntry>> ForEngagementAsync(Guid engagementId, Guid? who = null, string? kind = null, long? before = null, int take = 100, bool othersOnly = false, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "AccessLog", ct);
        var rows = await RowsAsync(engagement, me.Id, who, kind, before, take, othersOnly, ct);
        var names = await db.DisplayNamesAsync(NamedIn(rows), ct);
        var (grants, sessionDays) = await ContextAsync(engagement, rows, ct);
        await RecordAsync(engagementId, ct);
        return Entries(engagement, rows, names, grants, sessionDays);
    }

    /// <summary>
    /// The page "Who opened this record": the engagement's name and people (for the filter), the entries and, on the
    /// first page, the week's summary. One access check, one lookup of names, one entry in the trail ("opened the
    /// access log"): the page shows nothing of the record but its title and who takes part, which the log names anyway.
    /// The page a person opens (everyone else's entries, newest first) is kept between views while the trail has nothing new
    /// from anyone else (<see cref="KeptAccessLogPages"/>).
    /// </summary>
    public async Task<AccessLogPageView> PageAsync(Guid engagementId, Guid? who, string? kind, long? before, int take, bool othersOnly, CancellationToken ct = default)
    {
        var viewer = me.Id;
        var since = time.GetUtcNow().AddDays(-7);
        var parts = before is null && othersOnly && who != viewer && kept.Enabled && breakGlass.EngagementId is null
                && me.Tenant.PracticeId is { } practice && !me.Tenant.IsSystem
            ? await KeptPartsAsync(practice, engagementId, viewer, who, kind, take, since, ct)
            : await MakePartsAsync(await access.RequireParticipantAsync(engagementId, "AccessLog", ct), viewer, who, kind, before, take, othersOnly, since, ct);
        var engagement = parts.Engagement;
        var names = parts.Names;
        List<ReadCount>? counts = null;
        if (parts.WholeHours is { } whole)
        {
            var part = await PartOfWeekAsync(engagement, viewer, since, ct);
            counts = Week(whole, part);
            if (NamedIn(engagement, part).Where(id => !names.ContainsKey(id)).ToList() is { Count: > 0 } unnamed)
            {
                // A reader of the hour at the week's start whom the kept page does not name yet (the kept names are shared: copied).
                names = new Dictionary<Guid, string>(names);
                foreach (var (id, name) in await db.DisplayNamesAsync(unnamed, ct))
                {
                    names[id] = name;
                }
            }
        }

        var active = engagement.ActiveParticipants.OrderBy(p => p.Role == ParticipantRole.Therapist ? 0 : 1).ThenBy(p => p.JoinedAt).ToList();
        await RecordAsync(engagementId, ct);
        return new AccessLogPageView(
            engagement.Title,
            engagement.ParticipantFor(viewer)?.Role == ParticipantRole.Client,
            active.Count(p => p.Role == ParticipantRole.Client),
            [.. active.Where(p => p.UserId != viewer).Select(p => new AccessLogPerson(p.UserId, names.GetValueOrDefault(p.UserId, "Former member")))],
            parts.Entries,
            counts is null ? null : Summary(engagement, viewer, since, counts, names));
    }

    /// <summary>
    /// What a page of the log shows that does not move with the clock: the engagement as the participant check read it (its
    /// title and people; only read, never changed, once kept), its entries in sentences, the week's whole hours of reads
    /// (first page only) and the names of everyone either names or the filter offers.
    /// </summary>
    private sealed record PageParts(Engagement Engagement, IReadOnlyList<AccessLogEntry> Entries, List<ReadCount>? WholeHours, Dictionary<Guid, string> Names);

    private async Task<PageParts> MakePartsAsync(Engagement engagement, Guid viewer, Guid? who, string? kind, long? before, int take, bool othersOnly, DateTimeOffset since, CancellationToken ct)
    {
        var rows = await RowsAsync(engagement, viewer, who, kind, before, take, othersOnly, ct);
        var whole = before is null ? await WholeHoursAsync(engagement, viewer, since, ct) : null;
        var names = await db.DisplayNamesAsync(NamedIn(rows).Concat(engagement.ActiveParticipants.Select(p => p.UserId)).Concat(whole is null ? [] : NamedIn(engagement, whole)), ct);
        var (grants, sessionDays) = await ContextAsync(engagement, rows, ct);
        return new PageParts(engagement, Entries(engagement, rows, names, grants, sessionDays), whole, names);
    }

    /// <summary>
    /// The parts of the page a person opens (everyone else's entries, newest first, and the week's summary) as kept from their
    /// last view, when nothing they show can have changed since: the practice's data version is the same (names, people,
    /// sessions, grants of emergency access, and who takes part: so the participant check the page was made after still
    /// holds, as for every kept view), the week still starts in the same hour, and the trail has no entry of this engagement,
    /// and no list that showed it, from anyone but the viewer since the page was made (<see cref="TrailAsync"/>, one
    /// statement with the version). The viewer's own entries, written at each view, are not on this page. Otherwise the
    /// participant check runs and the page is made afresh, and kept.
    /// </summary>
    private async Task<PageParts> KeptPartsAsync(Guid practiceId, Guid engagementId, Guid viewer, Guid? who, string? kind, int take, DateTimeOffset since, CancellationToken ct)
    {
        var key = new KeptAccessLogPages.Key(practiceId, engagementId, viewer, me.Role.ToString(), who, kind, take, FirstWholeHour(since),
            me.TimeZone, System.Globalization.CultureInfo.CurrentCulture.Name);
        if (kept.TryGet(key, out var page))
        {
            var trail = await TrailAsync(practiceId, engagementId, viewer, page.Entries, page.Lists, ct);
            if (trail.Token == page.Token && !trail.Others)
            {
                // Only the viewer's own entries since: the same page, and the next look starts from here.
                if (trail.Entries > page.Entries || trail.Lists > page.Lists)
                {
                    kept.Set(key, page with { Entries = Math.Max(trail.Entries, page.Entries), Lists = Math.Max(trail.Lists, page.Lists) });
                }

                Infrastructure.Observability.TandemMetrics.ViewLookedUp("AccessLog", hit: true);
                return (PageParts)page.Parts;
            }
        }

        var engagement = await access.RequireParticipantAsync(engagementId, "AccessLog", ct);
        // Where the trail stands, read before the page: an entry written meanwhile is either on it or newer than this.
        var now = await TrailAsync(practiceId, engagementId, viewer, long.MaxValue, long.MaxValue, ct);
        var parts = await MakePartsAsync(engagement, viewer, who, kind, null, take, othersOnly: true, since, ct);
        if (engagement.PracticeId == practiceId && engagement.ParticipantFor(viewer) is not null)
        {
            kept.Set(key, new KeptAccessLogPages.Page(parts, now.Token, now.Entries, now.Lists, DateTimeOffset.UtcNow.AddMinutes(1)));
        }

        Infrastructure.Observability.TandemMetrics.ViewLookedUp("AccessLog", hit: false);
        return parts;
    }

    /// <summary>Where an engagement's trail stands: the practice's data version, its newest entry and newest list row, and whether anyone but the viewer wrote after the given ones.</summary>
    private sealed class TrailMark
    {
        public Guid? Token { get; init; }

        public long Entries { get; init; }

        public long Lists { get; init; }

        public long Others { get; init; }
    }

    /// <summary>
    /// In one statement: the practice's data version (<see cref="DataVersions"/>), the newest entry of the engagement (one seek)
    /// and the newest list row that showed it (one seek for each person whose lists showed it), and whether any
    /// entry or list row after <paramref name="entriesAfter"/> and <paramref name="listsAfter"/> is someone else's than the
    /// viewer's (a short walk over the entries since: the viewer's own views of the log, as the page moves its marks along at
    /// each look). A practice's entries are numbered as they are chained, one writer at a time under its chain head, so an
    /// entry committed later never has a smaller id than one seen here.
    /// </summary>
    private async Task<(Guid Token, long Entries, long Lists, bool Others)> TrailAsync(Guid practiceId, Guid engagementId, Guid viewer, long entriesAfter, long listsAfter, CancellationToken ct)
    {
        // The lists' rows are found through their one index on (practice, engagement, reader, entry): a hop from one reader
        // to the next (the few therapists whose lists showed the engagement), each one's newest row one seek back. A second
        // index on (practice, engagement, entry) answered this in one seek, but every list a therapist opens writes a row
        // under it for each engagement it shows (issue 25: their Today 13-15% faster without it, on SQLite).
        var mark = (await db.Database.SqlQuery<TrailMark>($"""
            WITH RECURSIVE readers("Value") AS (
                SELECT (SELECT "UserId" FROM "AuditListReads"
                        WHERE "PracticeId" = {practiceId} AND "EngagementId" = {engagementId} AND "UserId" IS NOT NULL
                        ORDER BY "UserId" LIMIT 1)
                UNION ALL
                SELECT (SELECT r."UserId" FROM "AuditListReads" AS r
                        WHERE r."PracticeId" = {practiceId} AND r."EngagementId" = {engagementId} AND r."UserId" > readers."Value"
                        ORDER BY r."UserId" LIMIT 1)
                FROM readers WHERE readers."Value" IS NOT NULL
            ),
            newest("EntryId", "UserId") AS (
                SELECT (SELECT MAX(r."EntryId") FROM "AuditListReads" AS r
                        WHERE r."PracticeId" = {practiceId} AND r."EngagementId" = {engagementId} AND r."UserId" = readers."Value"), readers."Value"
                FROM readers WHERE readers."Value" IS NOT NULL
                UNION ALL
                SELECT (SELECT MAX(r."EntryId") FROM "AuditListReads" AS r
                        WHERE r."PracticeId" = {practiceId} AND r."EngagementId" = {engagementId} AND r."UserId" IS NULL), NULL
            )
            SELECT (SELECT "Token" FROM "DataVersions" WHERE "PracticeId" = {practiceId}) AS "Token",
                   COALESCE((SELECT MAX("Id") FROM "AuditEntries" WHERE "PracticeId" = {practiceId} AND "EngagementId" = {engagementId}), 0) AS "Entries",
                   COALESCE((SELECT MAX("EntryId") FROM newest), 0) AS "Lists",
                   CAST(CASE WHEN EXISTS (SELECT 1 FROM "AuditEntries" WHERE "PracticeId" = {practiceId} AND "EngagementId" = {engagementId}
                                              AND "Id" > {entriesAfter} AND ("UserId" IS NULL OR "UserId" <> {viewer}))
                               OR EXISTS (SELECT 1 FROM newest WHERE "EntryId" > {listsAfter} AND ("UserId" IS NULL OR "UserId" <> {viewer}))
                             THEN 1 ELSE 0 END AS BIGINT) AS "Others"
            """).ToListAsync(ct)).Single();
        return (mark.Token ?? Guid.Empty, mark.Entries, mark.Lists, mark.Others != 0);
    }

    private Task RecordAsync(Guid engagementId, CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Read,
        ObjectType = "AccessLog",
        ObjectId = engagementId.ToString(),
        EngagementId = engagementId,
        DataCategory = AuditCategories.Clinical,
    }, ct);

    /// <summary>
    /// How often each person opened each kind of record in the week, counted in SQL. Whole hours come from the hourly
    /// counts kept beside the entries; the part of an hour at the window's start from the entries themselves, so the week
    /// is exact to the millisecond and the cost does not grow with the reads.
    /// </summary>
    private async Task<List<ReadCount>> SummaryCountsAsync(Engagement engagement, Guid viewer, DateTimeOffset since, CancellationToken ct)
    {
        var whole = await WholeHoursAsync(engagement, viewer, since, ct);
        var part = await PartOfWeekAsync(engagement, viewer, since, ct);
        return Week(whole, part);
    }

    /// <summary>The week's reads: its whole hours and the part of an hour at its start, per person and kind.</summary>
    private static List<ReadCount> Week(List<ReadCount> whole, List<ReadCount> part) =>
        [.. whole.Concat(part).GroupBy(r => (r.UserId, r.ObjectType)).Select(g => new ReadCount(g.Key.UserId, g.Key.ObjectType, g.Sum(r => r.Count)))];

    /// <summary>The first whole hour of the week that starts at <paramref name="since"/>.</summary>
    private static long FirstWholeHour(DateTimeOffset since) =>
        AccessReadCount.HourOf(since) + (AccessReadCount.StartOf(AccessReadCount.HourOf(since)) == since ? 0 : 1);

    /// <summary>Others' reads in the week's whole hours, from the hourly counts.</summary>
    private async Task<List<ReadCount>> WholeHoursAsync(Engagement engagement, Guid viewer, DateTimeOffset since, CancellationToken ct)
    {
        var engagementId = engagement.Id;
        var counted = CountedList;
        var firstHour = FirstWholeHour(since);
        var everyone = engagement.IsTherapist(viewer);
        var partners = everyone ? [] : Partners(engagement, viewer);
        var hourly = db.Set<AccessReadCount>().AsNoTracking()
            .Where(c => c.EngagementId == engagementId && c.Hour >= firstHour && c.UserId != viewer && counted.Contains(c.ObjectType));
        if (!everyone)
        {
            hourly = hourly.Where(c => (c.SubjectId == Guid.Empty || c.SubjectId == viewer) && !partners.Contains(c.UserId));
        }

        return await hourly.GroupBy(c => new { c.UserId, c.ObjectType })
            .Select(g => new ReadCount(g.Key.UserId, g.Key.ObjectType, g.Sum(c => c.Count)))
            .ToListAsync(ct);
    }

    /// <summary>Others' reads in the part of an hour at the week's start, up to its first whole hour (none when the week starts on the hour).</summary>
    private Task<List<ReadCount>> PartOfWeekAsync(Engagement engagement, Guid viewer, DateTimeOffset since, CancellationToken ct)
    {
        var edge = AccessReadCount.StartOf(FirstWholeHour(since));
        if (since == edge)
        {
            return Task.FromResult(new List<ReadCount>());
        }

        var everyone = engagement.IsTherapist(viewer);
        return PartOfHourAsync(engagement, viewer, everyone, everyone ? [] : Partners(engagement, viewer), since, edge, ct);
    }

    /// <summary>
    /// The reads in the part of an hour at the week's start, <paramref name="since"/> up to <paramref name="edge"/>: the
    /// engagement's own entries and the lists that showed it (found from the practice's entries without an engagement, through
    /// the index on practice, engagement and time, then each one's row for this engagement). That hour is seven days old and the
    /// trail is append-only, so its reads never change: they are read from the database once per viewer and hour (the whole
    /// hour, each read's time, kind and reader) and kept in this node's memory, and each request counts those at or after its own
    /// start. Every node reads the same rows, so there is nothing to invalidate across nodes. A viewer's fellow clients are part of
    /// the key: who is a partner can change.
    /// </summary>
    private async Task<List<ReadCount>> PartOfHourAsync(Engagement engagement, Guid viewer, bool everyone, List<Guid> partners, DateTimeOffset since, DateTimeOffset edge, CancellationToken ct)
    {
        var hourStart = edge.AddHours(-1);
        var key = ("access-summary-hour", engagement.PracticeId, engagement.Id, viewer, AccessReadCount.HourOf(hourStart), string.Join(',', partners.Order()));
        if (!cache.TryGetValue(key, out PartOfHourReads? reads) || reads is null)
        {
            var kept = settings.SummaryHourReadsKept;
            var rows = kept == 0 ? [] : await PartOfHourQuery(engagement, viewer, everyone, partners, hourStart, edge).Take(kept + 1).ToListAsync(ct);
            if (kept == 0 || rows.Count > kept)
            {
                // Too busy an hour to keep: count this request's part in SQL.
                var counted = await PartOfHourQuery(engagement, viewer, everyone, partners, since, edge)
                    .GroupBy(r => new { r.UserId, r.ObjectType })
                    .Select(g => new { g.Key.UserId, g.Key.ObjectType, Count = g.Count() })
                    .ToListAsync(ct);
                return [.. counted.Select(c => new ReadCount(c.UserId, c.ObjectType, c.Count))];
            }

            reads = new PartOfHourReads([.. rows.Select(r => (r.At.UtcTicks, r.UserId, r.ObjectType))]);
            // Kept until the week's start has left that hour (at most an hour), by this machine's clock; a little longer is harmless.
            cache.Set(key, reads, TimeSpan.FromMinutes(61));
        }

        // Whole microseconds, as PostgreSQL keeps times and compares the parameter: the same reads as the SQL count.
        var from = since.UtcTicks - (since.UtcTicks % 10);
        return [.. reads.Reads.Where(r => r.AtTicks >= from).GroupBy(r => (r.UserId, r.ObjectType)).Select(g => new ReadCount(g.Key.UserId, g.Key.ObjectType, g.Count()))];
    }

    private sealed record PartOfHourReads(IReadOnlyList<(long AtTicks, Guid UserId, string ObjectType)> Reads);

    private sealed class PartRead
    {
        public DateTimeOffset At { get; init; }

        public Guid UserId { get; init; }

        public string ObjectType { get; init; } = "";
    }

    /// <summary>The reads the summary counts between two times: the engagement's own entries, and the lists that showed it.</summary>
    private IQueryable<PartRead> PartOfHourQuery(Engagement engagement, Guid viewer, bool everyone, List<Guid> partners, DateTimeOffset from, DateTimeOffset to)
    {
        var engagementId = engagement.Id;
        var counted = CountedList;
        var empty = Guid.Empty;
        return Visible(engagement, viewer, EntriesOf(engagementId))
            .Where(e => e.At >= from && e.At < to && e.Action == AuditAction.Read && e.Outcome == AuditOutcome.Success
                && e.Purpose != AuditPurposes.LiveUpdate && e.UserId != null && e.UserId != viewer && counted.Contains(e.ObjectType))
            .Select(e => new PartRead { At = e.At, UserId = e.UserId!.Value, ObjectType = e.ObjectType })
            .Concat(db.AuditEntries.AsNoTracking()
                .Where(e => e.EngagementId == null && e.At >= from && e.At < to && e.Action == AuditAction.Read && e.Outcome == AuditOutcome.Success
                    && e.Purpose != AuditPurposes.LiveUpdate && e.UserId != null && e.UserId != viewer && counted.Contains(e.ObjectType)
                    && (e.DataCategory == AuditCategories.Clinical || e.DataCategory == AuditCategories.Personal))
                .Join(db.Set<AuditListRead>().AsNoTracking(), e => new { e.PracticeId, EntryId = e.Id }, r => new { r.PracticeId, r.EntryId }, (e, r) => new { e.At, e.UserId, e.ObjectType, r.EngagementId, r.SubjectId })
                .Where(x => x.EngagementId == engagementId && (everyone || ((x.SubjectId == empty || x.SubjectId == viewer) && !partners.Contains(x.UserId!.Value))))
                .Select(x => new PartRead { At = x.At, UserId = x.UserId!.Value, ObjectType = x.ObjectType }));
    }

    /// <summary>The people a summary names: the participants among those who read (others are "someone without access").</summary>
    private static IEnumerable<Guid> NamedIn(Engagement engagement, List<ReadCount> counts)
    {
        var participants = engagement.Participants.Select(p => p.UserId).ToHashSet();
        return counts.Select(r => r.UserId).Where(participants.Contains);
    }

    private static AccessLogSummary Summary(Engagement engagement, Guid viewer, DateTimeOffset since, List<ReadCount> counts, Dictionary<Guid, string> names)
    {
        var participants = engagement.Participants.Select(p => p.UserId).ToHashSet();
        var people = counts
            .GroupBy(r => participants.Contains(r.UserId) ? r.UserId : (Guid?)null)
            .Select(person => new AccessSummaryPerson(
                person.Key,
                person.Key is { } id ? names.GetValueOrDefault(id, "Former member") : "Someone without access",
                SummaryParts.Select(part => new AccessSummaryItem(part.What, person.Where(r => part.ObjectTypes.Contains(r.ObjectType)).Sum(r => r.Count)))
                    .Where(i => i.Count > 0).ToList()))
            .OrderByDescending(p => p.Items.Sum(i => i.Count))
            .ThenBy(p => p.Name, StringComparer.CurrentCulture)
            .ToList();
        return new AccessLogSummary(since, people, SummarySentence(people, engagement.IsTherapist(viewer)));
    }

    /// <summary>"This week Alex opened your plan 3 times and your session notes twice. Morgan opened your messages once."</summary>
    public static string SummarySentence(IReadOnlyList<AccessSummaryPerson> people, bool viewerIsTherapist)
    {
        if (people.Count == 0)
        {
            return "Nobody else opened this record in the last seven days.";
        }

        var owner = viewerIsTherapist ? "the" : "your";
        var sentences = people.Select((p, i) =>
        {
            var name = p.UserId is null ? p.Name : p.Name.Split(' ', 2)[0];
            var parts = p.Items.Select(item => $"{owner} {item.What} {Times(item.Count)}").ToList();
            var list = parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];
            return $"{(i == 0 ? "This week " : "")}{name} opened {list}.";
        });
        return string.Join(" ", sentences);
    }

    private static string Times(int count) => count switch
    {
        1 => "once",
        2 => "twice",
        _ => $"{count.ToString(System.Globalization.CultureInfo.InvariantCulture)} times",
    };

    /// <summary>The entries of one page of the log, newest first, with only the columns a sentence needs (not the chain's hashes).</summary>
    private async Task<List<LogRow>> RowsAsync(Engagement engagement, Guid viewer, Guid? who, string? kind, long? before, int take, bool othersOnly, CancellationToken ct)
    {
        take = Math.Clamp(take, 1, 500);
        // Each person's newest entries, and newest list reads, from their own indexes, merged in the database (one
        // statement, one page of rows back): the cost follows the number of people, a handful, not the length of the log.
        List<Guid?> people = who is { } person
            ? [person]
            : [null, .. (await PeopleInLogAsync(engagement, ct)).Where(p => !othersOnly || p != viewer).Select(p => (Guid?)p)];
        var client = !engagement.IsTherapist(viewer);
        var partners = client ? Partners(engagement, viewer) : [];
        var shape = new RowsShape(who is null, people.Count, client, partners.Count, kind is "read" or "change" ? kind : null, before is not null);
        List<object> values = [engagement.PracticeId, engagement.Id, take];
        if (client)
        {
            values.AddRange([viewer, Guid.Empty]);
        }

        if (before is { } b)
        {
            values.Add(b);
        }

        values.AddRange(partners.Cast<object>());
        values.AddRange(people.OfType<Guid>().Cast<object>());
        var sql = RowsSql.GetOrAdd(shape, BuildRowsSql);
        var rows = db.Database.IsSqlite()
            ? (await db.Database.SqlQueryRaw<LogRowColumns<long>>(sql, [.. values]).ToListAsync(ct)).ConvertAll(c => c.ToRow(FromSqliteTime))
            : (await db.Database.SqlQueryRaw<LogRowColumns<DateTimeOffset>>(sql, [.. values]).ToListAsync(ct)).ConvertAll(c => c.ToRow(at => at));

        // A list that showed two clients of one couple is one entry with a row for each: shown once.
        return rows.Count < 2 ? rows : [.. rows.DistinctBy(r => r.Id)];
    }

    /// <summary>What the SQL of a page of rows depends on (everything else is a parameter): built once per shape, so EF has no
    /// query to translate at each view. Composed in LINQ on <c>FromSql</c>, EF generated these few kilobytes of SQL again at every
    /// view (parameters given to raw SQL keep a query out of its SQL cache): 42% of the page's garbage.</summary>
    /// <param name="WithNobody">The first arm is the entries with nobody named (everyone's log); otherwise one arm per person.</param>
    private sealed record RowsShape(bool WithNobody, int People, bool Client, int Partners, string? Kind, bool Before);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<RowsShape, string> RowsSql = new();

    /// <summary>
    /// One page of rows in one statement: for each person, their newest entries of the engagement and their newest reads of
    /// lists that showed it, each arm from its own index, newest first; then the newest of those. Parameters, in order:
    /// {0} practice, {1} engagement, {2} rows, then for a client {3} the viewer and {4} <see cref="Guid.Empty"/> (a list's row
    /// that names no client), then the id to start before, the viewer's partners, and the people. The engagement and the
    /// person are given as <c>(SELECT value)</c>, for PostgreSQL's planner (<see cref="EntriesOf"/>). The visibility rule is
    /// <see cref="Visible"/>'s, in SQL: only clinical and personal entries; for a client, nothing about another client's
    /// personal records and no partner's reads.
    /// </summary>
    private static string BuildRowsSql(RowsShape shape)
    {
        var next = 3;
        var viewer = shape.Client ? $"{{{next++}}}" : "";
        var empty = shape.Client ? $"{{{next++}}}" : "";
        var before = shape.Before ? $"{{{next++}}}" : "";
        var partners = string.Join(", ", Enumerable.Range(next, shape.Partners).Select(i => $"{{{i}}}"));
        next += shape.Partners;

        string Visible(string entry, string subjectIsViewerOrNobody, string id)
        {
            List<string> rules = [$"""{entry}."DataCategory" IN ('{AuditCategories.Clinical}', '{AuditCategories.Personal}')"""];
            if (shape.Client)
            {
                rules.Add(subjectIsViewerOrNobody);
                if (shape.Partners > 0)
                {
                    rules.Add($"""({entry}."Action" <> '{nameof(AuditAction.Read)}' OR {entry}."UserId" IS NULL OR {entry}."UserId" NOT IN ({partners}))""");
                }
            }

            if (shape.Kind is "read" or "change")
            {
                rules.Add($"""{entry}."Action" {(shape.Kind == "read" ? "=" : "<>")} '{nameof(AuditAction.Read)}'""");
            }

            if (shape.Before)
            {
                rules.Add($"{id} < {before}");
            }

            return string.Join(" AND ", rules);
        }

        var arms = new List<string>();
        for (var i = 0; i < shape.People; i++)
        {
            var person = shape.WithNobody && i == 0 ? "IS NULL" : $"= (SELECT {{{next++}}})";
            arms.Add($$"""
                SELECT a."Id", a."At", a."UserId", a."Role", a."Action", a."ObjectType", a."ObjectId", a."Purpose", a."Outcome"
                FROM "AuditEntries" AS a
                WHERE a."PracticeId" = {0} AND a."EngagementId" = (SELECT {1}) AND a."UserId" {{person}}
                  AND {{Visible("a", $"""(a."SubjectUserId" IS NULL OR a."SubjectUserId" = {viewer})""", "a.\"Id\"")}}
                ORDER BY a."Id" DESC LIMIT {2}
                """);
            arms.Add($$"""
                SELECT r."EntryId" AS "Id", a."At", a."UserId", a."Role", a."Action", a."ObjectType", a."ObjectId", a."Purpose", a."Outcome"
                FROM "AuditListReads" AS r INNER JOIN "AuditEntries" AS a ON a."Id" = r."EntryId"
                WHERE r."PracticeId" = {0} AND r."EngagementId" = (SELECT {1}) AND r."UserId" {{person}} AND a."PracticeId" = {0}
                  AND {{Visible("a", $"""(r."SubjectId" = {empty} OR r."SubjectId" = {viewer})""", "r.\"EntryId\"")}}
                ORDER BY r."EntryId" DESC LIMIT {2}
                """);
        }

        return $$"""
            SELECT u."Id", u."At", u."UserId", u."Role", u."Action", u."ObjectType", u."ObjectId", u."Purpose", u."Outcome"
            FROM ({{string.Join("\nUNION ALL\n", arms.Select((arm, i) => $"SELECT * FROM ({arm}) AS t{i}"))}}) AS u
            ORDER BY u."Id" DESC LIMIT {2}
            """;
    }

    /// <summary>
    /// SQLite keeps instants as sortable whole numbers (the model's convention for every <see cref="DateTimeOffset"/>), which a
    /// raw query's row type does not inherit: its time is read as the number and turned back here, as the model does.
    /// </summary>
    private static readonly Func<long, DateTimeOffset> FromSqliteTime =
        ((System.Linq.Expressions.Expression<Func<long, DateTimeOffset>>)new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertFromProviderExpression).Compile();

    /// <summary>A row of <see cref="BuildRowsSql"/> as the database gives it (the action and outcome as their names, the time as the database keeps it).</summary>
    private sealed class LogRowColumns<TAt>
    {
        public long Id { get; init; }

        public TAt At { get; init; } = default!;

        public Guid? UserId { get; init; }

        public string? Role { get; init; }

        public string Action { get; init; } = "";

        public string ObjectType { get; init; } = "";

        public string? ObjectId { get; init; }

        public string Purpose { get; init; } = "";

        public string Outcome { get; init; } = "";

        public LogRow ToRow(Func<TAt, DateTimeOffset> time) => new()
        {
            Id = Id,
            At = time(At),
            UserId = UserId,
            Role = Role,
            Action = Enum.Parse<AuditAction>(Action),
            ObjectType = ObjectType,
            ObjectId = ObjectId,
            Purpose = Purpose,
            Outcome = Enum.Parse<AuditOutcome>(Outcome),
        };
    }

    /// <summary>
    /// The engagement's entries, or one person's among them. The engagement and the person are given to the database as
    /// <c>(SELECT @value)</c>, a value its planner does not look at, so it plans as for any engagement and any person and
    /// reads newest first through the index on (engagement, person, id). Shown the values of a busy engagement or person,
    /// PostgreSQL priced a backward walk of the whole trail's primary key as cheaper, and stepped over every newer entry of
    /// every other engagement to find them (issue 25, large set: 17,676 pages read for a therapist's newest 100, 6.6 ms,
    /// against 19 pages and 0.1 ms through the index).
    /// </summary>
    private IQueryable<AuditEntry> EntriesOf(Guid engagementId, Guid? person = null) => person is { } personId
        ? db.AuditEntries.FromSql($"""SELECT * FROM "AuditEntries" WHERE "EngagementId" = (SELECT {engagementId}) AND "UserId" = (SELECT {personId})""").AsNoTracking()
        : db.AuditEntries.FromSql($"""SELECT * FROM "AuditEntries" WHERE "EngagementId" = (SELECT {engagementId})""").AsNoTracking();

    /// <summary>
    /// Every list that showed this engagement (<see cref="AuditListRead"/>), each as an entry of the engagement: the list's
    /// entry with the engagement and the client it showed (the export; the page reads them person by person in
    /// <see cref="BuildRowsSql"/>). The entry's id is the row's.
    /// </summary>
    internal static IQueryable<AuditEntry> ListReadsOf(TandemDbContext db, Guid practiceId, Guid engagementId) =>
        db.AuditEntries.FromSql(System.Runtime.CompilerServices.FormattableStringFactory.Create(
            ListReadColumns + """ r."EngagementId" = {2}""", Guid.Empty, practiceId, engagementId)).AsNoTracking();

    /// <summary>An <see cref="AuditListRead"/> as an entry of its engagement (the list's entry, with the row's id, engagement and client).</summary>
    private const string ListReadColumns = """
        SELECT r."EntryId" AS "Id", a."PracticeId", a."Sequence", a."At", a."UserId", a."Role", r."EngagementId" AS "EngagementId",
               CASE WHEN r."SubjectId" = {0} THEN NULL ELSE r."SubjectId" END AS "SubjectUserId",
               a."Action", a."ObjectType", a."ObjectId", a."DataCategory", a."Outcome", a."SourceAddress", a."Purpose", a."PreviousHash", a."Hash", a."KeyId"
        FROM "AuditListReads" AS r INNER JOIN "AuditEntries" AS a ON a."Id" = r."EntryId"
        WHERE r."PracticeId" = {1} AND
        """;

    /// <summary>Everyone an entry names: who acted, and the person a co-therapist entry says joined.</summary>
    private static IEnumerable<Guid> NamedIn(List<LogRow> rows) =>
        rows.Select(e => e.UserId).OfType<Guid>().Concat(rows.Select(Joined).OfType<Guid>());

    /// <summary>A co-therapist's entry names the person who joined (its object), so the clients read who now sees their record.</summary>
    private static Guid? Joined(LogRow e) =>
        e.ObjectType == Engagements.CoTherapists.AuditObjectType && Guid.TryParse(e.ObjectId, out var id) ? id : null;

    /// <summary>The reasons given for emergency access (read only when the page shows such an entry) and the sessions' days.</summary>
    private async Task<(List<BreakGlassGrant> Grants, Dictionary<string, string> SessionDays)> ContextAsync(Engagement engagement, List<LogRow> rows, CancellationToken ct)
    {
        var engagementId = engagement.Id;
        var grants = rows.Any(e => e.Purpose == AuditPurposes.BreakGlass)
            ? await db.Set<BreakGlassGrant>().AsNoTracking().Where(g => g.EngagementId == engagementId).ToListAsync(ct)
            : [];
        return (grants, await SessionDaysAsync(engagementId, rows, ct));
    }

    private List<AccessLogEntry> Entries(Engagement engagement, List<LogRow> entries, Dictionary<Guid, string> names, List<BreakGlassGrant> grants, Dictionary<string, string> sessionDays)
    {
        var viewer = me.Id;
        var participants = engagement.Participants.Select(p => p.UserId).ToHashSet();

        // A stay in an online session reads as one span ("was in the online session of 4 December, 10:02-10:51"): each
        // leaving is paired with the same person's latest joining of that session before it.
        var joinedAt = new Dictionary<long, DateTimeOffset>();
        foreach (var left in entries.Where(e => e.ObjectType == "OnlineSessionLeft"))
        {
            var join = entries.Where(j => j.ObjectType == "OnlineSessionJoined" && j.UserId == left.UserId && j.ObjectId == left.ObjectId && j.Id < left.Id).MaxBy(j => j.Id);
            if (join is not null)
            {
                joinedAt[left.Id] = join.At;
            }
        }

        return entries.Select(e =>
        {
            // Named: the participants, an admin under break-glass, and the practice admin reading the practice's list of
            // engagements (their job, not an intrusion: "someone without access" would alarm for nothing).
            var insider = e.UserId is { } id && (participants.Contains(id) || e.Purpose == AuditPurposes.BreakGlass
                || (e.Purpose == AuditPurposes.Administration && e.ObjectType == "PracticeEngagementList"));
            var name = !insider ? "Someone without access" : e.UserId == viewer ? "You" : names.GetValueOrDefault(e.UserId!.Value, "Former member");
            var grant = e.Purpose == AuditPurposes.BreakGlass ? grants.Where(g => g.AdminId == e.UserId && g.StartsAt.AddSeconds(-1) <= e.At && e.At <= g.ExpiresAt).MaxBy(g => g.StartsAt) : null;
            return new AccessLogEntry(e.Id, e.At, insider ? e.UserId : null, name, e.Role ?? "", e.Action.ToString(), e.ObjectType,
                e.ObjectType == "OnlineSessionLeft" && joinedAt.TryGetValue(e.Id, out var from)
                    ? $"{name} {(name == "You" ? "were" : "was")} in the online session{(e.ObjectId is { } sid && sessionDays.GetValueOrDefault(sid) is { } d ? $" of {d}" : "")}, {me.Local(from):HH:mm}-{me.Local(e.At):HH:mm}"
                    : Sentence(name, e, e.ObjectId is { } oid ? sessionDays.GetValueOrDefault(oid) : null, Joined(e) is { } joined ? names.GetValueOrDefault(joined) : null),
                grant is not null, grant?.Reason, e.Outcome.ToString());
        }).ToList();
    }

    /// <summary>The columns of an entry a sentence is made from.</summary>
    private static readonly System.Linq.Expressions.Expression<Func<AuditEntry, LogRow>> Row = e => new LogRow
    {
        Id = e.Id,
        At = e.At,
        UserId = e.UserId,
        Role = e.Role,
        Action = e.Action,
        ObjectType = e.ObjectType,
        ObjectId = e.ObjectId,
        Purpose = e.Purpose,
        Outcome = e.Outcome,
    };

    /// <summary><see cref="Row"/> for an entry already in memory (the FHIR export's).</summary>
    private static readonly Func<AuditEntry, LogRow> ToRow = Row.Compile();

    /// <summary>
    /// Everyone who has an entry in the engagement's log, found by hopping along the index from one person to the next
    /// (a loose index scan: one short seek a person, however many entries each has).
    /// </summary>
    private async Task<List<Guid>> PeopleInLogAsync(Engagement engagement, CancellationToken ct)
    {
        var practiceId = engagement.PracticeId;
        var engagementId = engagement.Id;
        // The same hop along the lists' rows (their index on engagement and reader), in the same statement.
        return await db.Database.SqlQuery<Guid>($"""
            WITH RECURSIVE people("Value") AS (
                SELECT (SELECT "UserId" FROM "AuditEntries"
                        WHERE "PracticeId" = {practiceId} AND "EngagementId" = {engagementId} AND "UserId" IS NOT NULL
                        ORDER BY "UserId" LIMIT 1)
                UNION ALL
                SELECT (SELECT a."UserId" FROM "AuditEntries" AS a
                        WHERE a."PracticeId" = {practiceId} AND a."EngagementId" = {engagementId} AND a."UserId" > people."Value"
                        ORDER BY a."UserId" LIMIT 1)
                FROM people WHERE people."Value" IS NOT NULL
            ),
            readers("Value") AS (
                SELECT (SELECT "UserId" FROM "AuditListReads"
                        WHERE "PracticeId" = {practiceId} AND "EngagementId" = {engagementId} AND "UserId" IS NOT NULL
                        ORDER BY "UserId" LIMIT 1)
                UNION ALL
                SELECT (SELECT r."UserId" FROM "AuditListReads" AS r
                        WHERE r."PracticeId" = {practiceId} AND r."EngagementId" = {engagementId} AND r."UserId" > readers."Value"
                        ORDER BY r."UserId" LIMIT 1)
                FROM readers WHERE readers."Value" IS NOT NULL
            )
            SELECT "Value" FROM people WHERE "Value" IS NOT NULL
            UNION
            SELECT "Value" FROM readers WHERE "Value" IS NOT NULL
            """).ToListAsync(ct);
    }

    /// <summary>
    /// The entries a participant may see. A client sees what was done to the shared record and to
    /// their own personal records, never another client's personal records; and, in a couple or
    /// family, not what a partner merely looked at: a partner's page views are their own business,
    /// while their changes belong to the shared record's history. The therapists' reads are shown
    /// to each person whose data they read.
    /// </summary>
    /// <param name="source">The engagement's entries (<see cref="EntriesOf"/>).</param>
    private static IQueryable<AuditEntry> Visible(Engagement engagement, Guid viewer, IQueryable<AuditEntry> source)
    {
        var query = source.Where(e => e.DataCategory == AuditCategories.Clinical || e.DataCategory == AuditCategories.Personal);
        if (engagement.IsTherapist(viewer))
        {
            return query;
        }

        var partners = Partners(engagement, viewer);
        return query
            .Where(e => e.SubjectUserId == null || e.SubjectUserId == viewer)
            .Where(e => e.Action != AuditAction.Read || e.UserId == null || !partners.Contains(e.UserId.Value));
    }

    /// <summary>The viewer's fellow clients: a client does not see what their partner opened (the partner's own business).</summary>
    private static List<Guid> Partners(Engagement engagement, Guid viewer) =>
        engagement.Participants.Where(p => p.Role == ParticipantRole.Client && p.UserId != viewer).Select(p => p.UserId).Distinct().ToList();

    /// <summary>"12 March" (in the viewer's zone) for entries about a session or its note, keyed by the entry's object id.</summary>
    private async Task<Dictionary<string, string>> SessionDaysAsync(Guid engagementId, List<LogRow> entries, CancellationToken ct)
    {
        var ids = entries.Where(e => (e.ObjectType is "SharedNote" or "Session" or "Agenda" || e.ObjectType.StartsWith("OnlineSession", StringComparison.Ordinal)) && Guid.TryParse(e.ObjectId, out _))
            .Select(e => Guid.Parse(e.ObjectId!)).Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var sessions = await db.Set<Sessions.Session>().AsNoTracking().Where(s => s.EngagementId == engagementId)
            .Select(s => new { s.Id, s.StartsAt }).ToListAsync(ct);
        var notes = await db.Set<Sessions.SharedNote>().AsNoTracking().Where(n => n.EngagementId == engagementId && ids.Contains(n.Id))
            .Select(n => new { n.Id, n.SessionId }).ToListAsync(ct);
        var starts = sessions.ToDictionary(s => s.Id, s => s.StartsAt);
        var culture = System.Globalization.CultureInfo.GetCultureInfo("en-GB");
        string Day(DateTimeOffset at) => me.Local(at).ToString("d MMMM", culture);
        var days = new Dictionary<string, string>();
        foreach (var s in sessions.Where(s => ids.Contains(s.Id)))
        {
            days[s.Id.ToString()] = Day(s.StartsAt);
        }

        foreach (var n in notes)
        {
            if (starts.TryGetValue(n.SessionId, out var at))
            {
                days[n.Id.ToString()] = Day(at);
            }
        }

        return days;
    }

    /// <summary>An entry in one plain sentence ("Alex Rivera opened the plan"), as the access log says it.</summary>
    public static string Sentence(string who, AuditEntry e) => Sentence(who, ToRow(e), null, null);

    private static string Sentence(string who, LogRow e, string? sessionDay, string? joinedName)
    {
        if (e.Outcome == AuditOutcome.Refused && e.ObjectType != "OnlineSessionGuestLinkUsed")
        {
            return $"{who} tried to open {Noun(e.ObjectType)} and was refused";
        }

        if (e.ObjectType == Engagements.CoTherapists.AuditObjectType && e.Action == AuditAction.Create)
        {
            return $"{who} added {joinedName ?? "a therapist of the practice"} as a co-therapist";
        }

        if (e.ObjectType.StartsWith("OnlineSession", StringComparison.Ordinal) && e.ObjectType != "OnlineSessionRoom")
        {
            var of = sessionDay is null ? "" : $" of {sessionDay}";
            return e.ObjectType switch
            {
                "OnlineSessionJoined" => $"{who} joined the online session{of}",
                "OnlineSessionLeft" => $"{who} left the online session{of}",
                "OnlineSessionAdmitted" => $"{who} let someone in from the waiting room of the online session{of}",
                "OnlineSessionGuestInvited" when e.Action == AuditAction.Delete => $"{who} withdrew a guest's link to the online session{of}",
                "OnlineSessionGuestInvited" => $"{who} invited a guest to the online session{of} (an interpreter, a relay or captioning service)",
                "OnlineSessionGuestAdmitted" => $"{who} let a guest in to the online session{of}",
                "OnlineSessionGuestLinkUsed" when e.Outcome == AuditOutcome.Refused => $"A guest link to the online session{of} was refused (used, withdrawn or expired)",
                "OnlineSessionGuestLinkUsed" => $"A guest opened their link to the online session{of}",
                "OnlineSessionGuestJoined" => $"A guest joined the online session{of}",
                "OnlineSessionGuestLeft" => $"A guest left the online session{of}",
                "OnlineSessionGuestRoom" => $"A guest opened the online session{of} (who is in the call)",
                _ => $"{who} used the online session{of}",
            };
        }

        if (e.ObjectType == "BreakGlass")
        {
            return $"{who} started emergency (break-glass) access";
        }

        if (e.Action == AuditAction.Read && e.Purpose == AuditPurposes.LiveUpdate)
        {
            // A live page showed someone else's change to a person who was looking at it.
            return e.ObjectType is "MessageThread" or "Message" or "MessageReadState"
                ? $"{who} was shown new messages as they arrived"
                : $"{who} was shown {Noun(e.ObjectType)} as it changed";
        }

        var verb = e.Action switch
        {
            AuditAction.Read => "opened",
            AuditAction.Create => "added",
            AuditAction.Update => "changed",
            AuditAction.Delete => "removed",
            _ => "used",
        };
        var suffix = e.Purpose == AuditPurposes.BreakGlass ? " under emergency (break-glass) access" : "";
        var noun = (e.ObjectType, sessionDay) switch
        {
            ("SharedNote", not null) => $"the session note of {sessionDay}",
            ("Session", not null) => $"the session of {sessionDay}",
            ("Agenda", not null) => $"the agenda of {sessionDay}",
            ("OnlineSessionRoom", not null) => $"the online session of {sessionDay} (who is in the call)",
            _ => Noun(e.ObjectType),
        };
        return $"{who} {verb} {noun}{suffix}";
    }

    /// <summary>What the object is, in words a client recognises.</summary>
    public static string Noun(string objectType) => objectType switch
    {
        "Engagement" => "the engagement",
        "Plan" => "the plan",
        "PlanHistory" => "the plan's history",
        "Proposal" => "a proposal",
        "ProposalList" => "the proposals",
        "GoalRating" => "a goal rating",
        "Agreement" => "the collaboration agreement",
        "AgreementSignature" => "a signature of the agreement",
        "Invitation" => "an invitation",
        "CoTherapist" => "the co-therapists",
        "CoTherapistCandidates" => "the practice's therapists",
        "AccessLog" => "the access log",
        "Sessions" or "SessionList" or "Schedule" => "the sessions",
        "Today" => "the coming sessions and their agenda (the therapist's day)",
        "EngagementHub" => "the overview of the work (sessions and latest scores)",
        "AgendaItem" or "Agenda" => "the session agenda",
        "SharedNote" or "Note" => "a session note",
        "Session" => "a session",
        "NoteAmendment" or "Amendment" => "an amendment to a session note",
        "Annotation" => "a comment on a session note",
        "Reflection" => "a reflection",
        "Response" or "Responses" or "QuestionnaireResponse" or "MeasureResponse" => "a questionnaire",
        "MeasureResponseList" or "MeasureProgress" => "the questionnaire results",
        "MeasureAlert" => "an alert",
        "MeasureAlertList" => "the alerts",
        "EngagementList" => "the list of engagements",
        "PracticeEngagementList" => "the practice's list of engagements",
        "MeasureAlertSummary" => "the open alerts, by client",
        "MeasureSchedule" or "MeasureScheduleList" => "the questionnaire schedule",
        "MeasureDueList" => "the questionnaires due",
        "PreferencesResult" => "the preferences check",
        "OffTrackReview" => "the check-in on how the work is going",
        "OffTrackReviewList" => "the check-ins on how the work is going",
        "MessageThread" => "the messages",
        "MessageReadState" => "the messages (marked as read)",
        "MessageUnreadCounts" => "the count of unread messages",
        "EngagementMessagingSettings" => "the message settings",
        "PrivateNote" => "a private note",
        "Progress" => "the progress charts",
        "Alert" or "Alerts" => "an alert",
        "Message" or "Messages" or "Conversation" => "the messages",
        "Export" or "FhirExport" => "the record download",
        "CalendarFeed" => "the calendar feed",
        "OnlineSession" or "OnlineSessionRoom" => "an online session",
        _ => "the " + string.Concat(objectType.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
    };
}

/// <summary>The access log's settings, read and checked once at start.</summary>
/// <param name="SummaryHourReadsKept">
/// The most reads of one hour a summary keeps in memory (<c>Audit:SummaryHourReadsKept</c>, 4,096: a few hundred kilobytes at
/// most); a busier hour is counted in SQL at each request, and 0 never keeps one.
/// </param>
public sealed record AccessLogSettings(int SummaryHourReadsKept)
{
    public const string SummaryHourReadsKeptKey = "Audit:SummaryHourReadsKept";
    public const int DefaultSummaryHourReadsKept = 4096;

    /// <summary>Reads the settings; a value that is not a whole number of 0 or more stops the start with one sentence naming it.</summary>
    public static AccessLogSettings From(IConfiguration config)
    {
        var text = config[SummaryHourReadsKeptKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new(DefaultSummaryHourReadsKept);
        }

        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var kept)
            ? new(kept)
            : throw new Infrastructure.Hosting.SettingException(
                $"{SummaryHourReadsKeptKey} is a whole number of reads, 0 or more (0 never keeps an hour in memory); \"{text}\" is not.");
    }
}
