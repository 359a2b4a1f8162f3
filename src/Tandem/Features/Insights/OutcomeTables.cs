using Microsoft.Extensions.Caching.Memory;
using Tandem.Features.Engagements;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.Features.Insights;

/// <summary>
/// The groups of a report: everyone, then the two formats (which add up to everyone), then, in
/// the practice report, each therapist's own courses and the courses shared by two or more
/// therapists (which add up to everyone too).
/// </summary>
public sealed class ReportGroups
{
    public const string Shared = "shared";

    public ReportGroups(string overallLabel, IReadOnlyList<(string Key, string Label)>? therapists)
    {
        var all = new List<(string Key, string Label)>
        {
            ("all", overallLabel),
            (nameof(EngagementFormat.ClientLed), "Client-led"),
            (nameof(EngagementFormat.TherapistLed), "Therapist-led"),
        };
        var relations = new List<Relation> { new(0, [1, 2]) };
        if (therapists is { Count: > 0 })
        {
            all.AddRange(therapists);
            relations.Add(new Relation(0, Enumerable.Range(3, therapists.Count).ToList()));
        }

        All = all;
        Axis = new Axis(all.Select(g => g.Key).ToList(), relations);
        ByTherapist = therapists is not null;
    }

    public IReadOnlyList<(string Key, string Label)> All { get; }

    public Axis Axis { get; }

    public bool ByTherapist { get; }

    public const int FirstTherapist = 3;

    public bool IsTherapist(int group) => group >= FirstTherapist;

    public IEnumerable<int> Of(EngagementFormat format, string therapistGroup)
    {
        yield return 0;
        yield return format == EngagementFormat.ClientLed ? 1 : 2;
        if (ByTherapist)
        {
            for (var g = FirstTherapist; g < All.Count; g++)
            {
                if (All[g].Key == therapistGroup)
                {
                    yield return g;
                }
            }
        }
    }
}

/// <summary>An engagement as the activity figures need it (days in the practice's time zone).</summary>
public sealed record EngagementFacts(Guid Id, EngagementFormat Format, string TherapistGroup, DateOnly Started, DateOnly? Ended, EngagementStatus Status);

/// <summary>Held sessions of one engagement in one month, and the clients of that engagement.</summary>
public sealed record SessionMonth(Guid EngagementId, int Month, int Sessions, IReadOnlyList<Guid> Clients);

/// <summary>
/// The tables of one calendar year whose figures add up over time (courses finished, engagements
/// started and ended, sessions), with disclosure control run block by block up to a period
/// (docs/outcome-disclosure.md), and the snapshot tables at a period's end.
/// </summary>
public static class OutcomeTables
{
    // Finished courses: the figures and how they relate.
    public const int Courses = 0, Dropout = 1, Measured = 2, Improvement = 3, NoChange = 4, Deterioration = 5, Mixed = 6,
        Cases = 7, Recovery = 8, ReliableRecovery = 9, Phq9Cases = 10, Response = 11, Remission = 12;

    // Activity.
    public const int Started = 0, Ended = 1, Sessions = 2;

    // Snapshot of engagements at the end of the period.
    public const int Active = 0, Paused = 1;

    // In treatment at the end of the period.
    public const int Open = 0, OpenMeasured = 1, OpenImprovement = 2, OpenNoChange = 3, OpenDeterioration = 4, OpenMixed = 5, OpenCases = 6, OpenBelow = 7;

    /// <summary>A year, its four quarters and its twelve months: 0 is the year, 1-4 the quarters, 5-16 the months.</summary>
    public static readonly Axis Year = new(
        ["year", "Q1", "Q2", "Q3", "Q4", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"],
        [
            new Relation(0, [1, 2, 3, 4]),
            new Relation(1, [5, 6, 7]),
            new Relation(2, [8, 9, 10]),
            new Relation(3, [11, 12, 13]),
            new Relation(4, [14, 15, 16]),
        ]);

    public static int IndexOf(ReportPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.Kind switch
        {
            PeriodKind.Year => 0,
            PeriodKind.Quarter => period.Number,
            _ => 4 + period.Number,
        };
    }

    internal static int[] PeriodsOfMonth(int month) => [0, ((month - 1) / 3) + 1, 4 + month];

    /// <summary>
    /// Blocks in the order they are published, up to and including the one that holds
    /// <paramref name="upTo"/>: a quarter with its three months (months are reported once their
    /// quarter is over, so a small month can be protected by its siblings rather than by hiding
    /// its quarter), and with the fourth quarter the year.
    /// </summary>
    public static IEnumerable<int[]> Blocks(ReportPeriod upTo)
    {
        ArgumentNullException.ThrowIfNull(upTo);
        var lastQuarter = ((upTo.To.Month - 1) / 3) + 1;
        for (var q = 1; q <= lastQuarter; q++)
        {
            var block = new List<int> { 4 + (3 * q) - 2, 4 + (3 * q) - 1, 4 + (3 * q), q };
            if (q == 4)
            {
                block.Add(0);
            }

            yield return [.. block];
        }
    }

    /// <summary>
    /// Activity: a month shows the whole practice (or caseload) only; quarters and years add the
    /// formats and each therapist (a single month of one caseload or one format says too little and
    /// risks too much). Months before a therapist's first engagement of the year count as shown
    /// zeros, so a therapist joining later changes no earlier decision.
    /// </summary>
    private static bool Displayed(ReportGroups groups, Func<int, int> firstMonth, int period, int group) =>
        group == 0 || period <= 4 || (groups.IsTherapist(group) && period - 4 < firstMonth(group));

    /// <summary>
    /// Finished courses: quarters show the whole practice (or caseload), years also each format
    /// and each therapist; months show none. Outcomes split into four results and several rates,
    /// so a month, or a quarter of one format, is mostly counts of 1 to 4, and every one of them
    /// must be hidden with others around it until the year itself reads "not shown"
    /// (docs/outcome-disclosure.md). Cells never shown stay unknown to a reader, which is what
    /// lets the shown ones be protected cheaply.
    /// </summary>
    public static bool FinishedShown(int period, int group) => period == 0 || (period <= 4 && group == 0);

    public static LinkedTable Finished(ReportGroups groups, IEnumerable<Course> finishedInYear, ReportPeriod upTo, IMemoryCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(finishedInYear);
        var table = new LinkedTable(
            Year,
            groups.Axis,
            [
                new("courses", Weight: 80), new("dropout", Denominator: Courses), new("measured", Weight: 50),
                new("improvement", Denominator: Measured, Weight: 40), new("no-change", Denominator: Measured), new("deterioration", Denominator: Measured), new("mixed", Denominator: Measured),
                new("cases", Weight: 40), new("recovery", Denominator: Cases, Weight: 40), new("reliable-recovery", Denominator: Cases),
                new("phq9-cases", Weight: 30), new("response", Denominator: Phq9Cases), new("remission", Denominator: Phq9Cases),
            ],
            [new Relation(Measured, [Improvement, NoChange, Deterioration, Mixed])],
            // The rest of each rate's denominator is protected like its numerator ("all but 2 of 27
            // recovered" says as much as "2 did not"). Differences between two headcounts (courses
            // without scores, courses not at caseness at the start) are not: protecting them hid the
            // year's count of finished courses and every recovery rate (docs/outcome-disclosure.md).
            [
                new("stayed", [(Courses, 1), (Dropout, -1)]),
                new("not-improved", [(Measured, 1), (Improvement, -1)]),
                new("changed", [(Measured, 1), (NoChange, -1)]),
                new("not-deteriorated", [(Measured, 1), (Deterioration, -1)]),
                new("not-mixed", [(Measured, 1), (Mixed, -1)]),
                new("not-recovered", [(Cases, 1), (Recovery, -1)]),
                new("not-reliably-recovered", [(Cases, 1), (ReliableRecovery, -1)]),
                new("recovered-not-reliably", [(Recovery, 1), (ReliableRecovery, -1)]),
                new("no-response", [(Phq9Cases, 1), (Response, -1)]),
                new("no-remission", [(Phq9Cases, 1), (Remission, -1)]),
            ])
        {
            GroupSize = Courses,
        };
        table.Displayed = FinishedShown;
        foreach (var course in finishedInYear)
        {
            var outcome = CourseOutcome.Of(course.Phq9, course.Gad7);
            foreach (var p in PeriodsOfMonth(course.Ended!.Value.Month))
            {
                foreach (var g in groups.Of(course.Format, course.TherapistGroup))
                {
                    table[p, g, Courses]++;
                    if (course.SessionsEver < 3)
                    {
                        table[p, g, Dropout]++;
                    }

                    if (!outcome.Measured)
                    {
                        continue;
                    }

                    table[p, g, Measured]++;
                    table[p, g, outcome.Change switch
                    {
                        CourseChange.Improvement => Improvement,
                        CourseChange.Deterioration => Deterioration,
                        CourseChange.Mixed => Mixed,
                        _ => NoChange,
                    }]++;
                    Count(table, p, g, Cases, outcome.CaseAtStart);
                    Count(table, p, g, Recovery, outcome.Recovered);
                    Count(table, p, g, ReliableRecovery, outcome.ReliablyRecovered);
                    Count(table, p, g, Phq9Cases, outcome.Phq9Case);
                    Count(table, p, g, Response, outcome.Phq9Response);
                    Count(table, p, g, Remission, outcome.Phq9Remission);
                }
            }
        }

        Publish(table, upTo, cache);
        return table;
    }

    public static LinkedTable Activity(ReportGroups groups, int year, IEnumerable<EngagementFacts> engagements, IEnumerable<SessionMonth> sessions, ReportPeriod upTo, Func<int, int> firstMonth, IMemoryCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(engagements);
        ArgumentNullException.ThrowIfNull(sessions);
        var table = new LinkedTable(Year, groups.Axis, [new("started"), new("ended"), new("sessions", People: false)]);
        table.Displayed = (p, g) => Displayed(groups, firstMonth, p, g);
        var byId = new Dictionary<Guid, EngagementFacts>();
        foreach (var e in engagements)
        {
            byId[e.Id] = e;
            if (e.Started.Year == year)
            {
                foreach (var p in PeriodsOfMonth(e.Started.Month))
                {
                    foreach (var g in groups.Of(e.Format, e.TherapistGroup))
                    {
                        table[p, g, Started]++;
                    }
                }
            }

            if (e.Ended is { } ended && ended.Year == year)
            {
                foreach (var p in PeriodsOfMonth(ended.Month))
                {
                    foreach (var g in groups.Of(e.Format, e.TherapistGroup))
                    {
                        table[p, g, Ended]++;
                    }
                }
            }
        }

        // Sessions are not people, but a figure about the sessions of 1 to 4 clients is about them.
        var seen = new Dictionary<(int, int), HashSet<Guid>>();
        foreach (var s in sessions)
        {
            if (!byId.TryGetValue(s.EngagementId, out var e))
            {
                continue;
            }

            foreach (var p in PeriodsOfMonth(s.Month))
            {
                foreach (var g in groups.Of(e.Format, e.TherapistGroup))
                {
                    table[p, g, Sessions] += s.Sessions;
                    if (!seen.TryGetValue((p, g), out var clients))
                    {
                        seen[(p, g)] = clients = [];
                    }

                    clients.UnionWith(s.Clients);
                }
            }
        }

        foreach (var ((p, g), clients) in seen)
        {
            if (clients.Count is >= 1 and < OutcomeStatistics.MinimumGroup)
            {
                table.Protect(p, g, Sessions);
            }
        }

        Publish(table, upTo, cache);
        return table;
    }

    /// <summary>Engagements still going at the end of the period, by whether they are paused today.</summary>
    public static LinkedTable Engagements(ReportGroups groups, IEnumerable<EngagementFacts> engagements, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(engagements);
        var table = new LinkedTable(Axis.One("end"), groups.Axis, [new("active"), new("paused")]);
        foreach (var e in engagements.Where(e => e.Started <= asOf && (e.Ended is null || e.Ended > asOf)))
        {
            foreach (var g in groups.Of(e.Format, e.TherapistGroup))
            {
                table[0, g, e.Status == EngagementStatus.Paused ? Paused : Active]++;
            }
        }

        table.PublishAll();
        return table;
    }

    /// <summary>Courses still going at the end of the period, first score ever to the latest by then.</summary>
    public static LinkedTable InTreatment(ReportGroups groups, IEnumerable<Course> open)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(open);
        var table = new LinkedTable(
            Axis.One("end"),
            groups.Axis,
            [
                new("open", Weight: 80), new("measured", Weight: 50),
                new("improvement", Denominator: OpenMeasured), new("no-change", Denominator: OpenMeasured), new("deterioration", Denominator: OpenMeasured), new("mixed", Denominator: OpenMeasured),
                new("cases", Weight: 40), new("below", Denominator: OpenCases),
            ],
            [new Relation(OpenMeasured, [OpenImprovement, OpenNoChange, OpenDeterioration, OpenMixed])],
            [
                new("not-improved", [(OpenMeasured, 1), (OpenImprovement, -1)]),
                new("changed", [(OpenMeasured, 1), (OpenNoChange, -1)]),
                new("not-deteriorated", [(OpenMeasured, 1), (OpenDeterioration, -1)]),
                new("not-mixed", [(OpenMeasured, 1), (OpenMixed, -1)]),
                new("still-cases", [(OpenCases, 1), (OpenBelow, -1)]),
            ])
        {
            GroupSize = Open,
        };
        foreach (var course in open)
        {
            var outcome = CourseOutcome.Of(course.Phq9, course.Gad7);
            foreach (var g in groups.Of(course.Format, course.TherapistGroup))
            {
                table[0, g, Open]++;
                if (!outcome.Measured)
                {
                    continue;
                }

                table[0, g, OpenMeasured]++;
                table[0, g, outcome.Change switch
                {
                    CourseChange.Improvement => OpenImprovement,
                    CourseChange.Deterioration => OpenDeterioration,
                    CourseChange.Mixed => OpenMixed,
                    _ => OpenNoChange,
                }]++;
                Count(table, 0, g, OpenCases, outcome.CaseAtStart);
                Count(table, 0, g, OpenBelow, outcome.Recovered);
            }
        }

        table.PublishAll();
        return table;
    }

    private static void Count(LinkedTable table, int p, int g, int f, bool yes)
    {
        if (yes)
        {
            table[p, g, f]++;
        }
    }

    internal static void Publish(LinkedTable table, ReportPeriod upTo, IMemoryCache? cache)
    {
        var blocks = Blocks(upTo).ToList();
        var key = cache is null ? null : "outcome-disclosure:" + table.Fingerprint(blocks);
        if (key is not null && cache!.TryGetValue(key, out (CellLabel[], bool[]) known))
        {
            table.Restore(known);
            return;
        }

        foreach (var block in blocks)
        {
            table.Publish(block);
        }

        // The same figures give the same decisions; a year's decisions take a second or so to reach.
        cache?.Set(key!, table.Decisions, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromHours(1) });
    }

    public static Cell CellOf(LinkedTable table, int period, int group, int figure)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new Cell(table[period, group, figure], table.Label(period, group, figure));
    }
}
