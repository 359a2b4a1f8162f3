using Tandem.Features.Demo;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;

namespace Tandem.Features.Measures;

/// <summary>
/// Demo measures for the demo engagements: PHQ-9 and GAD-7 every two weeks with a mix of
/// recovery (Sam, Kim, Riley), no change (Jordan, Avery) and deterioration (Casey),
/// Collaboration Checks from clients and therapists, preferences, and schedules. Scored and
/// alerted by the same rules as live submissions.
/// </summary>
public sealed class MeasuresDemoStep(InstrumentCatalog catalog) : IDemoSeedStep
{
    public int Order => 20;

    private static readonly (string Engagement, string Client, int[] Phq, int[] Gad, int[] Collaboration, int[] Preferences)[] Series =
    [
        ("sam", "sam", [16, 15, 13, 11, 9, 7, 6], [13, 12, 10, 8, 6, 6, 5], [22, 24, 25, 26, 27], [2, 1, 2, 1, 0, 1, -1]),
        ("jordan", "jordan", [12, 13, 11, 12, 12, 13], [10, 9, 10, 11, 10, 10], [20, 21, 19, 20], [-2, -2, -1, -2, 1, 0, -1]),
        ("casey", "casey", [9, 10, 12, 14, 16], [7, 8, 10, 11, 12], [24, 23, 18, 17], [1, 1, 0, 1, -1, 2, 0]),
        ("couple", "riley", [14, 12, 10, 8, 8], [11, 10, 9, 7, 6], [23, 24, 25], [0, -1, 1, 0, -2, 1, 1]),
        ("couple", "avery", [11, 12, 11, 11], [9, 9, 10, 9], [21, 22, 20], [-1, -1, 0, -1, 1, 2, -1]),
        ("kim", "kim", [14, 13, 11, 9, 8, 8], [9, 9, 8, 7, 6, 6], [25, 14, 24, 25], [1, 2, 1, 1, -2, -1, 0]),
    ];

    public async Task SeedAsync(DemoContext demo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(demo);
        foreach (var (key, client, phq, gad, collaboration, preferences) in Series)
        {
            var engagement = demo.Db.Engagements.Local.First(e => e.Id == demo.EngagementIds[key]);
            var clientId = demo.People[client].Id;
            var therapistId = engagement.Therapists.First().UserId;
            var started = engagement.CreatedAt.AddDays(3);
            var history = new Dictionary<string, List<int>>();

            Add(demo, engagement, InstrumentCatalog.Preferences, clientId, started, preferences, history);
            for (var i = 0; i < phq.Length; i++)
            {
                var at = started.AddDays(14 * i).AddHours(1);
                if (at > demo.Now.AddDays(-1))
                {
                    break;
                }

                Add(demo, engagement, InstrumentCatalog.Phq9, clientId, at, Spread(phq[i], 9, 3), history);
                if (i < gad.Length)
                {
                    Add(demo, engagement, InstrumentCatalog.Gad7, clientId, at.AddMinutes(5), Spread(gad[i], 7, 3), history);
                }

                if (i > 0 && i - 1 < collaboration.Length)
                {
                    var check = collaboration[i - 1];
                    // Kim's second check rates "I could say when something was not working" low: a concern.
                    var items = check == 14 ? [3, 3, 2, 2, 2, 1, 1] : Spread(check, 7, 4);
                    Add(demo, engagement, InstrumentCatalog.CollaborationCheck, clientId, at.AddDays(-1), items, history);
                    if (client != "avery")
                    {
                        Add(demo, engagement, InstrumentCatalog.CollaborationCheckTherapist, therapistId, at.AddDays(-1).AddMinutes(30), Spread(Math.Min(28, check + 1), 7, 4), history);
                    }
                }
            }

            if (client is not "avery")
            {
                demo.Db.Add(MeasureSchedule.Create(engagement, catalog.Get(InstrumentCatalog.Phq9), ScheduleKind.EveryNWeeks, 2, null, therapistId, started));
                demo.Db.Add(MeasureSchedule.Create(engagement, catalog.Get(InstrumentCatalog.Gad7), ScheduleKind.EveryNWeeks, 2, null, therapistId, started));
                demo.Db.Add(MeasureSchedule.Create(engagement, catalog.Get(InstrumentCatalog.CollaborationCheck), ScheduleKind.BeforeEachSession, null, 24, therapistId, started));
            }
        }

        await demo.Db.SaveChangesAsync(ct);
    }

    /// <summary>Item scores that add up to the total, spread evenly (PHQ-9 item 9 stays 0).</summary>
    internal static int[] Spread(int total, int items, int max)
    {
        var scores = new int[items];
        var usable = items == 9 ? 8 : items;
        for (var i = 0; total > 0; i = (i + 1) % usable)
        {
            if (scores[i] < max)
            {
                scores[i]++;
                total--;
            }
        }

        return scores;
    }

    internal void Add(DemoContext demo, Engagement engagement, string instrumentId, Guid respondentId, DateTimeOffset at, int[] scores, Dictionary<string, List<int>> history)
    {
        var instrument = catalog.Get(instrumentId);
        var scored = instrument.Items.Where(i => i.Scored && i.LinkId != "69722-7").ToList();
        var raw = scored.Select((item, i) => RawAnswer.Of(item.LinkId, scores[i])).ToList();
        var answers = AnswerValidation.Validate(instrument, raw);
        var key = instrumentId + respondentId;
        var earlier = history.TryGetValue(key, out var list) ? list : history[key] = [];
        var engagementChecks = history.TryGetValue("engagement-checks", out var checks) ? checks : history["engagement-checks"] = [];
        var result = ResponseScorer.Score(instrument, answers, earlier, instrumentId == InstrumentCatalog.CollaborationCheck ? engagementChecks : []);
        var role = instrument.Respondent;
        var id = Guid.CreateVersion7(at);
        var response = MeasureResponse.Create(id, engagement.PracticeId, engagement.Id, instrumentId, respondentId, null, at, result.Total, result.Band, result.Flags,
            result.Change?.ToString(), FhirResponses.Build(id, instrument, answers, respondentId, role, at), null, null);
        demo.Db.Add(response);
        demo.Db.AddRange(result.Observations.Select(o => ScoreObservation.For(response, o.System, o.Code, o.Display, o.Value)));
        foreach (var fired in result.Alerts.Where(f => f.Kind == AlertKind.Risk || !history.ContainsKey($"alert:{f.Kind}:{key}")))
        {
            demo.Db.Add(MeasureAlert.Raise(response, fired));
            history[$"alert:{fired.Kind}:{key}"] = [];
        }

        if (result.Total is { } total)
        {
            earlier.Add(total);
            if (instrumentId == InstrumentCatalog.CollaborationCheck)
            {
                engagementChecks.Add(total);
            }
        }
    }
}
