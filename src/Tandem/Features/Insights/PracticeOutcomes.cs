using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Insights;

/// <summary>
/// The practice outcome report: one use case for the page, the API and the CSV. A practice
/// admin sees the whole practice, by format and by therapist; a therapist their own caseload;
/// everyone else is refused (404). Periods are whole calendar months, quarters or years that
/// are over, in the practice's time zone; figures go through disclosure control
/// (docs/outcome-disclosure.md) and are given at the precision the page shows. Every read is
/// audited with the group and the period.
/// </summary>
public sealed class PracticeOutcomes(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time, IMemoryCache cache)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Today in the practice's time zone, and that zone.</summary>
    public async Task<(DateOnly Today, TimeZoneInfo Zone)> TodayAsync(CancellationToken ct = default)
    {
        var practiceId = me.PracticeId;
        var zoneId = await db.Practices.AsNoTracking().Where(p => p.Id == practiceId).Select(p => p.TimeZone).FirstOrDefaultAsync(ct);
        var zone = TimeZones.Find(zoneId);
        return (OutcomeData.Day(time.GetUtcNow(), zone), zone);
    }

    /// <summary>
    /// The period to report: <paramref name="period"/> ("2026", "2026-Q3", "2026-07"), or the
    /// smallest calendar month, quarter or year that holds <paramref name="from"/> to
    /// <paramref name="to"/> (said in the note), or by default the last quarter that is over.
    /// A period still running, or days in two different years, are refused with a sentence.
    /// </summary>
    public static (ReportPeriod Period, string? Note) ResolvePeriod(string? period, DateOnly? from, DateOnly? to, DateOnly today)
    {
        ReportPeriod chosen;
        string? note = null;
        if (!string.IsNullOrWhiteSpace(period))
        {
            chosen = ReportPeriod.TryParse(period) ?? throw Refuse("period",
                "Choose a period as a year (2026), a quarter (2026-Q3) or a month (2026-07), between 2000 and 2200.");
        }
        else if (from is not null || to is not null)
        {
            var (f, t) = (from ?? to!.Value, to ?? from!.Value);
            if (f.Year < 2000 || t.Year > 2200)
            {
                throw Refuse("period", "Choose dates between the year 2000 and 2200.");
            }

            chosen = ReportPeriod.Covering(f, t) ?? throw Refuse("period",
                $"Reports cover one calendar month, quarter or year, and {Day(f)} to {Day(t)} falls in two years. Ask for each year, quarter or month on its own.");
            if (chosen.From != f || chosen.To != t)
            {
                note = $"You asked for {Day(f)} to {Day(t)}. Reports cover whole calendar months, quarters or years, so this shows {chosen.Label}, the shortest one that holds those days.";
            }
        }
        else
        {
            chosen = ReportPeriod.LastQuarterBefore(today);
        }

        if (!chosen.IsOver(today))
        {
            throw Refuse("period", chosen.To < today
                ? $"{chosen.ShortLabel}'s figures appear when its quarter is over, on {Day(chosen.ShownFrom)}: months are shown with their quarter, so a month of very few people can be protected by the others."
                : $"{chosen.ShortLabel} is not over yet: its figures appear on {Day(chosen.ShownFrom)}. A period still running changes from day to day, and comparing two days could point to one person.");
        }

        return (chosen, note);
    }

    private static string Day(DateOnly d) => d.ToString("d MMMM yyyy", Inv);

    private static DomainException Refuse(string field, string sentence) =>
        new(sentence, DomainError.BadRequest, new Dictionary<string, string[]> { [field] = [sentence] });

    /// <summary>The periods the picker offers: the last 8 quarters, 5 years and 12 months that can be reported.</summary>
    public static IReadOnlyList<ReportPeriod> Offered(DateOnly today)
    {
        var list = new List<ReportPeriod>();
        var quarter = ReportPeriod.LastQuarterBefore(today);
        for (var i = 0; i < 8; i++)
        {
            var start = quarter.From.AddMonths(-3 * i);
            list.Add(ReportPeriod.QuarterOf(start.Year, ((start.Month - 1) / 3) + 1));
        }

        for (var y = today.Year - 1; y >= today.Year - 5; y--)
        {
            list.Add(ReportPeriod.YearOf(y));
        }

        for (var m = quarter.To.AddMonths(-11); m <= quarter.To; m = m.AddMonths(1))
        {
            list.Add(ReportPeriod.MonthOf(m.Year, m.Month));
        }

        list.Reverse(list.Count - 12, 12);

        return list;
    }

    private void RequireStaff()
    {
        if (me.Role is not (PersonRole.PracticeAdmin or PersonRole.Therapist))
        {
            throw DomainException.NotFound();
        }
    }

    internal string Scope => me.Role == PersonRole.PracticeAdmin ? "practice" : "caseload";

    internal Task AuditAsync(string objectType, ReportPeriod period, string purpose, CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = objectType == "OutcomeReportCsv" ? AuditAction.Execute : AuditAction.Read,
        ObjectType = objectType,
        // The group and the period: "practice 2026-Q3", or "caseload 2026-Q3" for the therapist reading (the entry's user).
        ObjectId = $"{Scope} {period.Key}",
        DataCategory = AuditCategories.Aggregate,
        Purpose = purpose,
    }, ct);

    internal async Task<(OutcomeData Data, string? Note, DateOnly Today)> LoadAsync(string? period, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        RequireStaff();
        var (today, zone) = await TodayAsync(ct);
        ReportPeriod chosen;
        string? note;
        try
        {
            (chosen, note) = ResolvePeriod(period, from, to, today);
        }
        catch (DomainException)
        {
            // Who asked for which period is part of the record, even when the answer was no.
            var asked = period ?? $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}";
            await audit.RecordAsync(new AuditEvent
            {
                Action = AuditAction.Read,
                ObjectType = "OutcomeReport",
                ObjectId = $"{Scope} {asked[..Math.Min(asked.Length, 40)]}",
                DataCategory = AuditCategories.Aggregate,
                Purpose = AuditPurposes.Administration,
                Outcome = AuditOutcome.Refused,
            }, ct);
            throw;
        }

        var data = await OutcomeData.LoadAsync(db, me.Role == PersonRole.PracticeAdmin, me.Id, chosen, zone, ct);
        return (data, note, today);
    }

    public async Task<OutcomeReport> ReportAsync(string? period, DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        var (data, note, _) = await LoadAsync(period, from, to, ct);
        await AuditAsync("OutcomeReport", data.Period, AuditPurposes.Administration, ct);
        return Build(data, note);
    }

    internal static ReportGroups GroupsOf(OutcomeData data)
    {
        if (!data.IsPractice)
        {
            return new ReportGroups("Your caseload", null);
        }

        var year = ReportPeriod.YearOf(data.Period.Year);
        var present = data.Engagements
            .Where(e => e.Started <= year.To && (e.Ended is null || e.Ended >= year.From))
            .Select(e => e.TherapistGroup).Distinct().ToList();
        var therapists = present.Where(g => g != ReportGroups.Shared)
            .Select(g => (Key: g, Label: data.TherapistNames.GetValueOrDefault(g, "Former therapist")))
            .OrderBy(t => t.Label, StringComparer.CurrentCulture).ThenBy(t => t.Key, StringComparer.Ordinal)
            .ToList();
        if (present.Contains(ReportGroups.Shared))
        {
            therapists.Add((ReportGroups.Shared, "Shared by 2 or more therapists"));
        }

        return new ReportGroups("Whole practice", therapists);
    }

    private OutcomeReport Build(OutcomeData data, string? note)
    {
        var groups = GroupsOf(data);
        int FirstMonth(int g) => data.FirstMonthOf(groups.All[g].Key);
        var finished = OutcomeTables.Finished(groups, data.FinishedInYear, data.Period, cache);
        var activity = OutcomeTables.Activity(groups, data.Period.Year, data.Engagements, data.SessionMonths, data.Period, FirstMonth, cache);
        var snapshot = OutcomeTables.Engagements(groups, data.Engagements, data.Period.To);
        var open = OutcomeTables.InTreatment(groups, data.OpenAtEnd);
        var reviews = ReviewFidelity.Table(groups, data.Period.Year, data.Reviews, data.Engagements.ToDictionary(e => e.Id), data.Period, cache);
        var p = OutcomeTables.IndexOf(data.Period);
        var showTherapists = data.Period.Kind != PeriodKind.Month;

        var reports = new List<GroupReport>();
        for (var g = 0; g < groups.All.Count; g++)
        {
            reports.Add(GroupFigures.Build(data, groups, g, p, finished, activity, snapshot, open, reviews));
        }

        return new OutcomeReport(
            data.IsPractice ? "practice" : "caseload",
            reports[0].Label,
            new PeriodInfo(data.Period.Key, data.Period.Kind.ToString().ToLowerInvariant(), data.Period.Label, data.Period.From, data.Period.To, note),
            OutcomeStatistics.MinimumGroup,
            reports[0],
            reports.GetRange(1, 2),
            !groups.ByTherapist ? null : showTherapists ? reports.Skip(ReportGroups.FirstTherapist).Where(r => !IsEmpty(r)).ToList() : [],
            GroupFigures.CollaborationOverTime(data),
            OutcomeDefinitions.All);
    }

    private static bool IsEmpty(GroupReport r) => r.Activity.Started.Value == 0 && r.Activity.Ended.Value == 0 && r.Activity.Active.Value == 0
        && r.Activity.Paused.Value == 0 && r.Finished.Courses.Value == 0 && r.InTreatment.Courses.Value == 0;

    /// <summary>
    /// The page: the report (audited as a read) and, for the admin, what the CSV of the same
    /// period would hold (rows and rows withheld), or why there is none.
    /// </summary>
    public async Task<OutcomesView> PageAsync(string? period, DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        var (data, note, _) = await LoadAsync(period, from, to, ct);
        await AuditAsync("OutcomeReport", data.Period, AuditPurposes.Administration, ct);
        var report = Build(data, note);
        if (me.Role != PersonRole.PracticeAdmin)
        {
            return new OutcomesView(report, null, null);
        }

        try
        {
            return new OutcomesView(report, OutcomeCsv.Build(data, GroupsOf(data)).Summary, null);
        }
        catch (DomainException ex)
        {
            return new OutcomesView(report, null, ex.Message);
        }
    }

    /// <summary>For the CSV: the audit, the scope check and the data, in one place with the report.</summary>
    internal async Task<(OutcomeData Data, DateOnly Today)> CsvDataAsync(string? period, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (me.Role != PersonRole.PracticeAdmin)
        {
            throw DomainException.NotFound();
        }

        var (data, _, today) = await LoadAsync(period, from, to, ct);
        return (data, today);
    }

}

/// <summary>What the outcomes page shows: the report, and for the admin the CSV's summary or why there is no CSV.</summary>
public sealed record OutcomesView(OutcomeReport Report, string? Csv, string? CsvRefusal);
