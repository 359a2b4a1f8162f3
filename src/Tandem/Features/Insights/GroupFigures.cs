using Tandem.Features.Insights.Disclosure;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using static Tandem.Features.Insights.OutcomeTables;

namespace Tandem.Features.Insights;

/// <summary>Turns the disclosure-controlled tables into one group's figures, and works out the means (shown only over 5 or more people).</summary>
internal static class GroupFigures
{
    public static GroupReport Build(OutcomeData data, ReportGroups groups, int g, int p, LinkedTable finished, LinkedTable activity, LinkedTable snapshot, LinkedTable open, LinkedTable reviews)
    {
        Cell F(int f) => CellOf(finished, p, g, f);
        Cell I(int f) => CellOf(open, 0, g, f);
        var (key, label) = groups.All[g];
        var small = F(Courses).Label == CellLabel.SmallGroup;

        var courses = data.FinishedInYear
            .Where(c => data.Period.Contains(c.Ended!.Value) && groups.Of(c.Format, c.TherapistGroup).Contains(g))
            .ToList();
        var finishedFigures = new FinishedFigures(
            OutcomeStatistics.Count(F(Courses)),
            OutcomeStatistics.Rate(F(Dropout), F(Courses)),
            OutcomeStatistics.Count(F(Measured)),
            OutcomeStatistics.Count(F(Cases)),
            OutcomeStatistics.Rate(F(Improvement), F(Measured)),
            OutcomeStatistics.Rate(F(NoChange), F(Measured)),
            OutcomeStatistics.Rate(F(Deterioration), F(Measured)),
            OutcomeStatistics.Rate(F(Mixed), F(Measured)),
            OutcomeStatistics.Rate(F(Recovery), F(Cases)),
            OutcomeStatistics.Rate(F(ReliableRecovery), F(Cases)),
            Measure(StandardMeasure.Phq9, courses.Select(c => c.Phq9), F(Measured).Label, OutcomeStatistics.Rate(F(Response), F(Phq9Cases)), OutcomeStatistics.Rate(F(Remission), F(Phq9Cases))),
            Measure(StandardMeasure.Gad7, courses.Select(c => c.Gad7), F(Measured).Label, null, null));

        var inTreatment = new InTreatmentFigures(
            data.Period.To,
            OutcomeStatistics.Count(I(Open)),
            OutcomeStatistics.Count(I(OpenMeasured)),
            OutcomeStatistics.Count(I(OpenCases)),
            OutcomeStatistics.Rate(I(OpenImprovement), I(OpenMeasured)),
            OutcomeStatistics.Rate(I(OpenNoChange), I(OpenMeasured)),
            OutcomeStatistics.Rate(I(OpenDeterioration), I(OpenMeasured)),
            OutcomeStatistics.Rate(I(OpenMixed), I(OpenMeasured)),
            OutcomeStatistics.Rate(I(OpenBelow), I(OpenCases)));

        var sessions = CellOf(activity, p, g, OutcomeTables.Sessions);
        var activityFigures = new ActivityFigures(
            OutcomeStatistics.Count(CellOf(activity, p, g, Started)),
            OutcomeStatistics.Count(CellOf(snapshot, 0, g, Active)),
            OutcomeStatistics.Count(CellOf(snapshot, 0, g, Paused)),
            OutcomeStatistics.Count(CellOf(activity, p, g, Ended)),
            sessions.Shown ? OutcomeStatistics.Count(sessions) : OutcomeStatistics.CountAlong(sessions.Value, sessions));

        // The period's engagements of this group, for the Collaboration Check and goal figures.
        var engagements = data.OpenInPeriod.Where(e => groups.Of(e.Format, e.TherapistGroup).Contains(g)).ToList();
        var (clientMeans, therapistMeans, gaps) = Collaboration(data, engagements, data.CollaborationMeans());
        var goals = engagements.SelectMany(e => data.ClientsOf[e.Id].Select(c => (Client: c, Changes: data.GoalChanges[(e.Id, c)].ToList()))).Where(x => x.Changes.Count > 0).ToList();
        var goalPeople = goals.Select(x => x.Client).Distinct().Count();
        var goalChanges = goals.SelectMany(x => x.Changes).Select(c => (double)c).ToList();

        return new GroupReport(
            key,
            label,
            small,
            activityFigures,
            finishedFigures,
            inTreatment,
            new CollaborationFigures(
                OutcomeStatistics.Mean(clientMeans),
                OutcomeStatistics.Mean(therapistMeans),
                OutcomeStatistics.Mean(gaps, "+0.0;-0.0;0.0")),
            new GoalFigures(goalPeople is > 0 and < OutcomeStatistics.MinimumGroup
                ? OutcomeStatistics.HiddenMean(CellLabel.FewerThanFive)
                : OutcomeStatistics.Mean(goalChanges, "+0.0;-0.0;0.0")),
            ReviewFidelity.Figures(reviews, data, groups, p, g))
        {
            SharedDecisions = OutcomeStatistics.SharedDecisions(SharedDecisionAnswers(data, engagements)),
        };
    }

    /// <summary>
    /// Means and effect size go with the count of courses with scores: when that count is not
    /// shown (a small group, or hidden so a small one nearby cannot be worked out), neither are
    /// they, or the same subtraction done on means times counts would point to the few people.
    /// </summary>
    private static MeasureFigures Measure(StandardMeasure measure, IEnumerable<MeasureSeries?> series, CellLabel measured, RateFigure? response, RateFigure? remission)
    {
        var pairs = series.OfType<MeasureSeries>().Where(s => s.Count >= 2).Select(s => new ScorePair(s.First, s.Last)).ToList();
        if (measured != CellLabel.Shown)
        {
            var hidden = OutcomeStatistics.HiddenMean(measured);
            return new MeasureFigures(measure.InstrumentId, measure.Name, hidden, hidden, OutcomeStatistics.HiddenEffectSize(measured), response, remission);
        }

        return new MeasureFigures(
            measure.InstrumentId,
            measure.Name,
            OutcomeStatistics.Mean(pairs.Select(x => (double)x.First).ToList()),
            OutcomeStatistics.Mean(pairs.Select(x => (double)x.Last).ToList()),
            OutcomeStatistics.EffectSize(pairs),
            response,
            remission);
    }

    /// <summary>
    /// Clients' means (each client once), therapists' means (each engagement once: its
    /// therapists' means averaged) and per engagement the therapist minus the client mean.
    /// </summary>
    private static (List<double> Clients, List<double> Therapists, List<double> Gaps) Collaboration(OutcomeData data, IReadOnlyList<EngagementFacts> engagements, Dictionary<(Guid, Guid, string), double> means)
    {
        double? Mean(Guid e, Guid person, string instrument) => means.TryGetValue((e, person, instrument), out var m) ? m : null;
        double? TherapistMean(Guid e) => Average(data.TherapistsOf[e].Select(t => Mean(e, t, InstrumentCatalog.CollaborationCheckTherapist)));
        var clients = engagements.SelectMany(e => data.ClientsOf[e.Id].Select(c => Mean(e.Id, c, InstrumentCatalog.CollaborationCheck))).OfType<double>().ToList();
        var therapists = engagements.Select(e => TherapistMean(e.Id)).OfType<double>().ToList();
        var gaps = engagements
            .Select(e => (Therapist: TherapistMean(e.Id), Client: Average(data.ClientsOf[e.Id].Select(c => Mean(e.Id, c, InstrumentCatalog.CollaborationCheck)))))
            .Where(x => x.Therapist is not null && x.Client is not null)
            .Select(x => x.Therapist!.Value - x.Client!.Value)
            .ToList();
        return (clients, therapists, gaps);
    }

    private static List<(Guid Person, int Total)> SharedDecisionAnswers(OutcomeData data, IReadOnlyList<EngagementFacts> engagements)
    {
        var ids = engagements.Select(e => e.Id).ToHashSet();
        return data.SharedDecisions.Where(a => ids.Contains(a.EngagementId)).Select(a => (a.ClientId, a.Total)).ToList();
    }

    private static double? Average(IEnumerable<double?> values)
    {
        var list = values.OfType<double>().ToList();
        return list.Count == 0 ? null : list.Average();
    }

    /// <summary>Collaboration Check means month by month in the period (means only, each over 5 or more people).</summary>
    public static IReadOnlyList<CollaborationPoint> CollaborationOverTime(OutcomeData data)
    {
        var engagements = data.OpenInPeriod.ToList();
        return data.Period.Months().Select(m =>
        {
            var (clients, therapists, gaps) = Collaboration(data, engagements, data.CollaborationMeans(m.Number));
            return new CollaborationPoint(m.ShortLabel, m.From, m.To,
                OutcomeStatistics.Mean(clients), OutcomeStatistics.Mean(therapists), OutcomeStatistics.Mean(gaps, "+0.0;-0.0;0.0"));
        }).ToList();
    }
}
