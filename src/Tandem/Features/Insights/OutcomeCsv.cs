using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Insights.Disclosure;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Insights;

/// <summary>The de-identified file and what was done to make it so.</summary>
public sealed record OutcomeCsvFile(string Period, string Text, int Rows, int Withheld, string Generalised)
{
    public string FileName => $"tandem-outcomes-{Period}.csv";

    /// <summary>The sentence the page and the response headers give.</summary>
    public string Summary => $"{Rows} rows, one per client and engagement; {(Withheld == 0 ? "none" : Withheld.ToString(CultureInfo.InvariantCulture))} withheld"
        + (Generalised.Length == 0 ? "" : $"; to keep every row like at least {KAnonymity.K} others: {Generalised}") + ".";
}

/// <summary>
/// The CSV for the practice admin: one row per course open in the period (no names, ids or
/// dates; therapists as T1, T2... in random order; rows shuffled), k-anonymous with k = 5 on
/// every column that describes a person or an engagement (docs/outcome-disclosure.md).
/// </summary>
public static class OutcomeCsv
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A course as the file describes it.</summary>
    internal sealed record Row(Course Course, string Therapist, string Status, int Sessions, IReadOnlyList<string> Groups);

    private static string Sessions(int n, int level) => level switch
    {
        0 => n == 0 ? "0" : n <= 2 ? "1-2" : n <= 5 ? "3-5" : n <= 9 ? "6-9" : n <= 14 ? "10-14" : "15+",
        1 => n <= 2 ? "0-2" : n <= 9 ? "3-9" : "10+",
        _ => "any",
    };

    private static string Scores(int n, int level) => level switch
    {
        0 => n <= 1 ? n.ToString(Inv) : n <= 3 ? "2-3" : n <= 6 ? "4-6" : "7+",
        1 => n <= 1 ? "0-1" : "2+",
        _ => "any",
    };

    private static string Started(DateOnly d, int level) => level switch
    {
        0 => $"{d.Year}-Q{((d.Month - 1) / 3) + 1}",
        1 => $"{d.Year}-H{(d.Month <= 6 ? 1 : 2)}",
        2 => d.Year.ToString(Inv),
        _ => "any",
    };

    internal static readonly IReadOnlyList<QuasiIdentifier<Row>> Columns =
    [
        new("format", 4, [r => r.Course.Format == EngagementFormat.ClientLed ? "client-led" : "therapist-led", _ => "any"]),
        new("therapist", 4, [r => r.Therapist, _ => "any"]),
        new("started", 1, [r => Started(r.Course.Started, 0), r => Started(r.Course.Started, 1), r => Started(r.Course.Started, 2), _ => "any"]),
        new("status", 3, [r => r.Status, r => r.Status == "ended" ? "ended" : "in treatment", _ => "any"]),
        new("sessions_held", 1, [r => Sessions(r.Sessions, 0), r => Sessions(r.Sessions, 1), _ => "any"]),
        new("phq9_scores", 1, [r => Scores(r.Course.Phq9?.Count ?? 0, 0), r => Scores(r.Course.Phq9?.Count ?? 0, 1), _ => "any"]),
        new("gad7_scores", 1, [r => Scores(r.Course.Gad7?.Count ?? 0, 0), r => Scores(r.Course.Gad7?.Count ?? 0, 1), _ => "any"]),
    ];

    private static string LevelName(string column, int level) => (column, level) switch
    {
        ("started", 1) => "start dates as half-years",
        ("started", 2) => "start dates as years",
        ("status", 1) => "status as ended or in treatment",
        ("sessions_held", 1) => "sessions in 3 bands",
        ("phq9_scores", 1) => "PHQ-9 score counts as 0-1 or 2+",
        ("gad7_scores", 1) => "GAD-7 score counts as 0-1 or 2+",
        ("format", _) => "format not given",
        ("therapist", _) => "therapist not given",
        ("started", _) => "start not given",
        ("status", _) => "status not given",
        ("sessions_held", _) => "sessions held not given",
        ("phq9_scores", _) => "PHQ-9 score counts not given",
        ("gad7_scores", _) => "GAD-7 score counts not given",
        _ => $"{column.Replace('_', ' ')} not given",
    };

    internal static OutcomeCsvFile Build(OutcomeData data, ReportGroups groups)
    {
        var period = data.Period;
        var codes = data.Engagements.Select(e => e.TherapistGroup).Where(g => g != ReportGroups.Shared).Distinct()
            .OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue))
            .Select((id, i) => (id, Code: "T" + (i + 1).ToString(Inv))).ToDictionary(x => x.id, x => x.Code);
        var sessions = data.SessionMonths.Where(s => s.Month >= period.From.Month && s.Month <= period.To.Month)
            .GroupBy(s => s.EngagementId).ToDictionary(g => g.Key, g => g.Sum(s => s.Sessions));
        var courses = data.FinishedInYear.Where(c => period.Contains(c.Ended!.Value)).Concat(data.OpenAtEnd).ToList();
        var rows = courses.Select(c =>
        {
            var status = c.Ended is { } end && end <= period.To ? "ended" : c.Status == EngagementStatus.Paused ? "paused" : "active";
            var view = status == "ended" ? "finished" : "open";
            var inGroups = groups.Of(c.Format, c.TherapistGroup).Select(g => $"{groups.All[g].Key}/{view}").ToList();
            return new Row(c, c.TherapistGroup == ReportGroups.Shared ? "2+ therapists" : codes.GetValueOrDefault(c.TherapistGroup, "T?"), status, sessions.GetValueOrDefault(c.EngagementId), inGroups);
        }).ToList();

        var plan = KAnonymity.Solve(rows, Columns, r => r.Groups)
            ?? throw new DomainException(
                $"{period.ShortLabel} has fewer than {KAnonymity.K} courses, so there is no file that would not point to someone. Choose a longer period.",
                DomainError.Invalid);

        var collaboration = data.CollaborationMeans();
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', Columns.Select(c => c.Column).Prepend("row").Concat(
        [
            "phq9_first", "phq9_last", "phq9_change", "gad7_first", "gad7_last", "gad7_change", "combined_change", "combined_recovery",
            "collaboration_client_mean", "collaboration_therapist_mean", "goal_rating_change",
        ])));
        var kept = rows.Where((_, i) => !plan.Withheld.Contains(i)).OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).ToList();
        for (var i = 0; i < kept.Count; i++)
        {
            var r = kept[i];
            var c = r.Course;
            var outcome = CourseOutcome.Of(c.Phq9, c.Gad7);
            var clientMean = collaboration.TryGetValue((c.EngagementId, c.ClientId, InstrumentCatalog.CollaborationCheck), out var cm) ? cm : (double?)null;
            var therapistMeans = data.TherapistsOf[c.EngagementId]
                .Select(t => collaboration.TryGetValue((c.EngagementId, t, InstrumentCatalog.CollaborationCheckTherapist), out var tm) ? tm : (double?)null)
                .OfType<double>().ToList();
            var goals = data.GoalChanges[(c.EngagementId, c.ClientId)].ToList();
            var cells = new List<string> { (i + 1).ToString(Inv) };
            cells.AddRange(Columns.Select((q, j) => q.Levels[plan.Levels[j]](r)));
            cells.AddRange(
            [
                c.Phq9?.First.ToString(Inv) ?? "",
                c.Phq9?.Last.ToString(Inv) ?? "",
                Change(StandardMeasure.Phq9, c.Phq9),
                c.Gad7?.First.ToString(Inv) ?? "",
                c.Gad7?.Last.ToString(Inv) ?? "",
                Change(StandardMeasure.Gad7, c.Gad7),
                !outcome.Measured ? "" : outcome.Change switch
                {
                    CourseChange.Improvement => "reliable-improvement",
                    CourseChange.Deterioration => "reliable-deterioration",
                    CourseChange.Mixed => "mixed",
                    _ => "no-reliable-change",
                },
                !outcome.Measured ? "" : !outcome.CaseAtStart ? "not-a-case-at-start" : outcome.ReliablyRecovered ? "reliable-recovery" : outcome.Recovered ? "recovery" : "not-recovered",
                clientMean?.ToString("0.0", Inv) ?? "",
                therapistMeans.Count == 0 ? "" : therapistMeans.Average().ToString("0.0", Inv),
                goals.Count == 0 ? "" : goals.Average().ToString("0.0", Inv),
            ]);
            csv.AppendLine(string.Join(',', cells));
        }

        return new OutcomeCsvFile(period.Key, csv.ToString(), kept.Count, plan.Withheld.Count, plan.Describe(Columns, LevelName));
    }

    private static string Change(StandardMeasure measure, MeasureSeries? s) => s is not { Count: >= 2 } ? "" : measure.Change(s.First, s.Last) switch
    {
        ReliableChange.Improvement => "reliable-improvement",
        ReliableChange.Deterioration => "reliable-deterioration",
        _ => "no-reliable-change",
    };
}

/// <summary>The CSV use case (admin only), next to the report so both read the same data.</summary>
public static class OutcomeCsvUseCase
{
    public static async Task<OutcomeCsvFile> CsvAsync(this PracticeOutcomes outcomes, string? period, DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var (data, _) = await outcomes.CsvDataAsync(period, from, to, ct);
        var file = OutcomeCsv.Build(data, PracticeOutcomes.GroupsOf(data));
        await outcomes.AuditAsync("OutcomeReportCsv", data.Period, AuditPurposes.Export, ct);
        return file;
    }
}
