using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Measures;

public sealed record ProgressPoint(Guid ResponseId, DateTimeOffset At, int Total, string? Band, bool Risk, bool Concern);

/// <summary>One person's series on one instrument, with what it means.</summary>
public sealed record InstrumentProgress(
    string InstrumentId,
    string Title,
    bool IsTandemsOwn,
    int MaxTotal,
    int? Caseness,
    int? ReliableChangeThreshold,
    IReadOnlyList<SeverityBand> Bands,
    IReadOnlyList<ProgressPoint> Series,
    string? ReliableChange,
    string? Recovery)
{
    /// <summary>The lowest possible total (0 for the built-ins; an imported instrument's answers may start higher).</summary>
    public int MinTotal { get; init; }

    /// <summary>An instrument the practice imported: plain totals, without bands, caseness or reliable-change rules.</summary>
    public bool Imported { get; init; }

    /// <summary>PHQ-9 and GAD-7: the expected range behind the series, and where it comes from (or that the fixed rule applies).</summary>
    public ExpectedRange? Expected { get; init; }
}

/// <summary>
/// The expected-response curve behind one series (issue 24): where it comes from, the intake band,
/// and the curve's point at each of the series' scores (null where the curve has none).
/// <see cref="Courses"/> is given for the practice's own curve only (an installation's counts include other practices').
/// </summary>
public sealed record ExpectedRange(CurveSource Source, string IntakeBand, int? Courses, IReadOnlyList<CurvePoint?> AtEachScore, OnTrackDecision Decision);

public sealed record PersonProgress(Guid UserId, string DisplayName, IReadOnlyList<InstrumentProgress> Measures, PairedOutcome? Outcome);

/// <summary>A client's Collaboration Checks beside the therapists' own ratings of the same period.</summary>
public sealed record CollaborationProgress(Guid ClientId, string ClientName, IReadOnlyList<ProgressPoint> Client, IReadOnlyList<ProgressPoint> Therapist, double? RunningMean);

/// <summary>A client's CollaboRATE answers in this engagement: how many, the share of top scores and the mean (the developers' two scores).</summary>
public sealed record SharedDecisionProgress(Guid ClientId, string ClientName, CollaborateSummary Summary, IReadOnlyList<ProgressPoint> Series);

public sealed record EngagementProgress(
    Guid EngagementId,
    string Title,
    bool ViewerIsTherapist,
    IReadOnlyList<PersonProgress> People,
    IReadOnlyList<CollaborationProgress> Collaboration,
    IReadOnlyList<AlertView> Alerts)
{
    /// <summary>CollaboRATE per client (a client sees only their own).</summary>
    public IReadOnlyList<SharedDecisionProgress> SharedDecisions { get; init; } = [];
}

/// <summary>
/// The progress view of an engagement: per person and instrument the series, bands, caseness,
/// first-to-latest reliable change and recovery (NHS Talking Therapies rules), PHQ-9 and GAD-7
/// together, Collaboration Checks side by side, and (for therapists) the open alerts.
/// A client sees only their own series, and the therapists' Collaboration Check totals so
/// both can see the gap (PRODUCT.md: "both see the gap"); never another client's answers.
/// </summary>
public sealed class ProgressQueries(TandemDbContext db, EngagementAccess access, CurrentUser me, MeasureQueries measures, AlertUseCases alerts, PracticeInstruments instruments, Expected.ExpectedCurveStore curveStore, Infrastructure.Caching.ViewCache cache)
{
    /// <summary>
    /// The progress view for the caller, kept in memory like the other views opened all day (<see cref="Infrastructure.Caching.ViewCache"/>):
    /// a new response, an alert's change or a refreshed curve moves the practice's data version, so the next view is made
    /// afresh. A kept view records its reads again before it is shown.
    /// Access is decided on every view: by the participant check when the view is made, and on a kept view by the view
    /// itself. It is kept for this person only, under the data version it was made at, and every change that could
    /// change the decision (a participant joining or leaving, the engagement, the person's account) moves that version:
    /// a person who passed the check at this version still passes it (the hub works the same way).
    /// </summary>
    public Task<EngagementProgress> ForEngagementAsync(Guid engagementId, CancellationToken ct = default) =>
        cache.GetAsync("progress", engagementId.ToString(), async () => await MakeAsync(await access.RequireParticipantAsync(engagementId, "Progress", ct), ct), ct);

    private async Task<EngagementProgress> MakeAsync(Engagement engagement, CancellationToken ct)
    {
        var engagementId = engagement.Id;
        var isTherapist = engagement.IsTherapist(me.Id);
        var people = isTherapist ? engagement.Clients.Select(c => c.UserId).ToList() : [me.Id];
        var therapistIds = engagement.Therapists.Select(t => t.UserId).ToList();

        // Scores only (no answers): the chart needs totals, and this stays one small indexed read.
        var rows = await db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && r.Total != null
                && (people.Contains(r.RespondentId) || (r.InstrumentId == InstrumentCatalog.CollaborationCheckTherapist && therapistIds.Contains(r.RespondentId))))
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.Id, r.RespondentId, r.InstrumentId, r.SubmittedAt, Total = r.Total!.Value, r.Band, r.Flags })
            .Take(5000)
            .ToListAsync(ct);
        var openAlerts = isTherapist
            ? await db.Set<MeasureAlert>().AsNoTracking().Where(a => a.EngagementId == engagementId && a.AcknowledgedAt == null && a.ClosedAt == null)
                .OrderByDescending(a => a.RaisedAt).Take(100).ToListAsync(ct)
            : [];
        await measures.RecordReadAsync("Progress", engagementId, ct);

        var names = await measures.NamesAsync(people, ct);

        // Instruments the practice imported: charted as plain totals (no bands, caseness or change rules of their own).
        var importedIds = rows.Select(r => r.InstrumentId).Where(id => instruments.BuiltIn.Find(id) is null).Distinct(StringComparer.Ordinal).ToList();
        var imported = importedIds.Count == 0 ? new Dictionary<string, Instrument>() : await instruments.FindManyAsync(importedIds, ct);

        var curves = new Dictionary<string, ExpectedCurves>(StringComparer.Ordinal);
        foreach (var measure in StandardMeasure.All.Where(m => rows.Any(r => r.InstrumentId == m.InstrumentId)))
        {
            curves[measure.InstrumentId] = await curveStore.ForAsync(engagement.PracticeId, measure.InstrumentId, ct);
        }

        var personViews = people.Select(userId =>
        {
            var mine = rows.Where(r => r.RespondentId == userId).ToList();
            var list = new List<InstrumentProgress>();
            foreach (var measure in new[] { StandardMeasure.Phq9, StandardMeasure.Gad7 })
            {
                var series = mine.Where(r => r.InstrumentId == measure.InstrumentId).Select(r => new ProgressPoint(r.Id, r.SubmittedAt, r.Total, r.Band, r.Flags.Contains("risk", StringComparison.Ordinal), false)).ToList();
                if (series.Count == 0)
                {
                    continue;
                }

                var pair = new MeasurePair(series[0].Total, series[^1].Total);
                var single = ChangeRules.ForOne(measure, pair);
                list.Add(new InstrumentProgress(measure.InstrumentId, measure.Name, false, measure.MaxTotal, measure.Caseness, measure.ReliableChange, measure.Bands, series,
                    series.Count >= 2 ? measure.Change(pair.First, pair.Latest).ToString() : null,
                    series.Count >= 2 ? single.Recovery.ToString() : null) { Expected = Range(measure, series, curves.GetValueOrDefault(measure.InstrumentId)) });
            }

            foreach (var instrument in imported.Values.OrderBy(i => i.Title, StringComparer.Ordinal))
            {
                var series = mine.Where(r => r.InstrumentId == instrument.Id).Select(r => new ProgressPoint(r.Id, r.SubmittedAt, r.Total, r.Band, r.Flags.Contains("risk", StringComparison.Ordinal), false)).ToList();
                if (series.Count > 0)
                {
                    list.Add(new InstrumentProgress(instrument.Id, instrument.Title, false, instrument.MaxTotal, null, null, [], series, null, null) { MinTotal = instrument.MinTotal, Imported = true });
                }
            }

            var phq = list.FirstOrDefault(m => m.InstrumentId == InstrumentCatalog.Phq9);
            var gad = list.FirstOrDefault(m => m.InstrumentId == InstrumentCatalog.Gad7);
            PairedOutcome? outcome = (phq?.Series.Count >= 2 || gad?.Series.Count >= 2)
                ? ChangeRules.Paired(Pair(phq), Pair(gad))
                : null;
            return new PersonProgress(userId, names.GetValueOrDefault(userId, "Former member"), list, outcome);
        }).ToList();

        var therapistSeries = rows.Where(r => r.InstrumentId == InstrumentCatalog.CollaborationCheckTherapist)
            .Select(r => new ProgressPoint(r.Id, r.SubmittedAt, r.Total, null, false, false)).ToList();
        var allClientTotals = rows.Where(r => r.InstrumentId == InstrumentCatalog.CollaborationCheck).Select(r => r.Total).ToList();
        var collaboration = people.Select(userId => new CollaborationProgress(
                userId,
                names.GetValueOrDefault(userId, "Former member"),
                rows.Where(r => r.RespondentId == userId && r.InstrumentId == InstrumentCatalog.CollaborationCheck)
                    .Select(r => new ProgressPoint(r.Id, r.SubmittedAt, r.Total, null, false, r.Flags.Contains("concern", StringComparison.Ordinal))).ToList(),
                therapistSeries,
                isTherapist ? CollaborationScoring.RunningMean(allClientTotals) : null))
            .Where(c => c.Client.Count > 0 || c.Therapist.Count > 0)
            .ToList();

        var sharedDecisions = people.Select(userId =>
            {
                var series = rows.Where(r => r.RespondentId == userId && r.InstrumentId == InstrumentCatalog.Collaborate)
                    .Select(r => new ProgressPoint(r.Id, r.SubmittedAt, r.Total, null, false, false)).ToList();
                return new SharedDecisionProgress(userId, names.GetValueOrDefault(userId, "Former member"), CollaborateScoring.Summarise(series.Select(p => p.Total).ToList()), series);
            })
            .Where(s => s.Series.Count > 0)
            .ToList();

        return new EngagementProgress(engagementId, engagement.Title, isTherapist, personViews, collaboration, await alerts.ViewsAsync(openAlerts, ct))
        {
            SharedDecisions = sharedDecisions,
        };
    }

    private static ExpectedRange Range(StandardMeasure measure, List<ProgressPoint> series, ExpectedCurves? curves)
    {
        var totals = series.Select(p => p.Total).ToList();
        var decision = OnTrack.Decide(measure, totals, curves);
        var (source, curve) = (curves ?? ExpectedCurves.None).For(measure, measure.Band(totals[0]).Name);
        return new ExpectedRange(source, measure.Band(totals[0]).Name, source == CurveSource.Practice ? curve!.Courses : null,
            series.Select((_, i) => curve?.At(i + 1)).ToList(), decision);
    }

    // A single score counts as both first and last (NHS Talking Therapies): a lone GAD-7 at caseness keeps a person from "recovered".
    private static MeasurePair? Pair(InstrumentProgress? p) =>
        p is { Series.Count: >= 1 } ? new MeasurePair(p.Series[0].Total, p.Series[^1].Total) : null;
}
