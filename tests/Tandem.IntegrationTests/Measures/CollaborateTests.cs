using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.IntegrationTests.Export;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

/// <summary>
/// Issue 24, CollaboRATE: offered to clients when a plan change is agreed (at most once a fortnight,
/// open 48 hours) and on a schedule; reported per engagement (share of top scores, mean, count) to
/// both sides and per practice with the report's disclosure control; a FHIR Questionnaire that
/// validates, and a response that survives export and comes back the same.
/// </summary>
public sealed class CollaborateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Answers(int a, int b, int c) => new
    {
        instrumentId = InstrumentCatalog.Collaborate,
        answers = new[] { new { linkId = "1", value = a }, new { linkId = "2", value = b }, new { linkId = "3", value = c } },
    };

    private static async Task<List<JsonElement>> DueAsync(HttpClient client, Guid engagementId) =>
        (await client.GetJsonAsync("/api/me/due")).EnumerateArray()
            .Where(d => d.GetProperty("engagementId").GetGuid() == engagementId && d.Str("instrumentId") == InstrumentCatalog.Collaborate).ToList();

    private static async Task<JsonElement> AgreeToGoalAsync(HttpClient proposer, HttpClient agreeing, Guid engagementId, string goal)
    {
        var proposal = await proposer.PostJsonAsync($"/api/engagements/{engagementId}/proposals", new { kind = "AddGoal", text = goal }, HttpStatusCode.Created);
        Assert.Equal("Pending", proposal.Str("status"));
        var agreed = await agreeing.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", null, HttpStatusCode.OK);
        Assert.Equal("Applied", agreed.Str("status"));
        return agreed;
    }

    private static async Task<int> OffersAsync(TandemApp app, Guid engagementId)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await db.Set<MeasureOffer>().CountAsync(o => o.EngagementId == engagementId, Ct));
        return count;
    }

    [Fact]
    public async Task An_agreed_plan_change_offers_CollaboRATE_to_the_client_at_most_once_a_fortnight_open_for_48_hours()
    {
        await using var app = await TandemApp.StartAsync();
        var email = $"robin-{Guid.NewGuid():N}@example.test";
        var (id, robin) = await NewClient.JoinAsync(app, clientEmail: email);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.Empty(await DueAsync(robin, id));

        // Alex proposes, Robin agrees: Robin is asked about that decision; Alex is not.
        await AgreeToGoalAsync(alex, robin, id, "Sleep through most nights");
        var due = Assert.Single(await DueAsync(robin, id));
        Assert.Equal("Shared decisions (CollaboRATE)", due.Str("instrumentTitle"));
        Assert.Contains("plan change agreed", due.Str("why"), StringComparison.Ordinal);
        Assert.Empty(await DueAsync(alex, id));
        Assert.Equal(1, await OffersAsync(app, id));

        // A second agreement the next day asks nothing new; answering closes the offer.
        app.Clock.Advance(TimeSpan.FromHours(20));
        using var alex1 = await app.ClientForAsync("alex@riverside.test");
        using var robin1 = await app.ClientForAsync(email, NewClient.Password);
        Assert.Single(await DueAsync(robin1, id));
        await AgreeToGoalAsync(robin1, alex1, id, "Walk after work twice a week");
        Assert.Equal(1, await OffersAsync(app, id));
        await robin1.PostJsonAsync($"/api/engagements/{id}/responses", Answers(9, 9, 8), HttpStatusCode.Created);
        Assert.Empty(await DueAsync(robin1, id));

        // Within a fortnight of that answer, another agreement is not asked about either.
        app.Clock.Advance(TimeSpan.FromDays(10));
        using var alex2 = await app.ClientForAsync("alex@riverside.test");
        using var robin2 = await app.ClientForAsync(email, NewClient.Password);
        await AgreeToGoalAsync(alex2, robin2, id, "Call my sister on Sundays");
        Assert.Equal(1, await OffersAsync(app, id));

        // After a fortnight it is, and the offer closes unanswered after 48 hours.
        app.Clock.Advance(TimeSpan.FromDays(5));
        using var alex3 = await app.ClientForAsync("alex@riverside.test");
        using var robin3 = await app.ClientForAsync(email, NewClient.Password);
        await AgreeToGoalAsync(alex3, robin3, id, "Cook a proper meal once a week");
        Assert.Equal(2, await OffersAsync(app, id));
        Assert.Single(await DueAsync(robin3, id));
        app.Clock.Advance(TimeSpan.FromHours(47));
        using var robin4 = await app.ClientForAsync(email, NewClient.Password);
        Assert.Single(await DueAsync(robin4, id));
        app.Clock.Advance(TimeSpan.FromHours(1));
        using var robin5 = await app.ClientForAsync(email, NewClient.Password);
        Assert.Empty(await DueAsync(robin5, id));

        await app.WithDbAsync(async db =>
        {
            var offers = await db.Set<MeasureOffer>().Where(o => o.EngagementId == id).ToListAsync(Ct);
            Assert.All(offers, o => Assert.Equal(MeasureOffer.PlanChangeAgreed, o.Reason));
            Assert.All(offers, o => Assert.Equal(TimeSpan.FromHours(48), o.OpenUntil - o.OfferedAt));
            Assert.All(offers, o => Assert.NotNull(o.SourceId));
            var audited = await db.AuditEntries.CountAsync(a => a.ObjectType == "MeasureOffer" && a.EngagementId == id, Ct);
            Assert.Equal(offers.Count, audited);
        });
    }

    [Fact]
    public async Task A_change_its_author_makes_alone_is_not_an_agreement_and_offers_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app, format: "ClientLed");
        var applied = await robin.PostJsonAsync($"/api/engagements/{id}/proposals", new { kind = "AddGoal", text = "Go back to choir" }, HttpStatusCode.Created);
        Assert.Equal("Applied", applied.Str("status"));
        Assert.Empty(await DueAsync(robin, id));
        Assert.Equal(0, await OffersAsync(app, id));
    }

    [Fact]
    public async Task A_schedule_asks_for_CollaboRATE_every_few_weeks_like_the_other_measures()
    {
        await using var app = await TandemApp.StartAsync();
        var email = $"robin-{Guid.NewGuid():N}@example.test";
        var (id, robin) = await NewClient.JoinAsync(app, clientEmail: email);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.PostJsonAsync($"/api/engagements/{id}/schedules", new { instrumentId = InstrumentCatalog.Collaborate, kind = "EveryNWeeks", intervalWeeks = 4 }, HttpStatusCode.Created);
        Assert.Equal("Every 4 weeks", Assert.Single(await DueAsync(robin, id)).Str("why"));
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", Answers(9, 9, 9), HttpStatusCode.Created);
        Assert.Empty(await DueAsync(robin, id));
        app.Clock.Advance(TimeSpan.FromDays(27));
        using var robin2 = await app.ClientForAsync(email, NewClient.Password);
        Assert.Empty(await DueAsync(robin2, id));
        app.Clock.Advance(TimeSpan.FromDays(1));
        using var robin3 = await app.ClientForAsync(email, NewClient.Password);
        Assert.Single(await DueAsync(robin3, id));
        using var alex2 = await app.ClientForAsync("alex@riverside.test");
        Assert.Empty(await DueAsync(alex2, id));
    }

    [Fact]
    public async Task Both_sides_see_the_engagements_share_of_top_scores_mean_and_count()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        foreach (var (a, b, c) in new[] { (9, 9, 9), (9, 9, 8), (6, 6, 6) })
        {
            await robin.PostJsonAsync($"/api/engagements/{id}/responses", Answers(a, b, c), HttpStatusCode.Created);
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        foreach (var viewer in new[] { alex, robin })
        {
            var progress = await viewer.GetJsonAsync($"/api/engagements/{id}/progress");
            var summary = Assert.Single(progress.GetProperty("sharedDecisions").EnumerateArray()).GetProperty("summary");
            Assert.Equal(3, summary.GetProperty("count").GetInt32());
            Assert.Equal(1, summary.GetProperty("topScores").GetInt32());
            Assert.Equal(33, summary.GetProperty("topScorePercent").GetInt32());
            Assert.Equal(7.9, summary.GetProperty("mean").GetDouble()); // (9 + 8.67 + 6) / 3 = 7.89

            var page = await viewer.GetStringAsync($"/engagements/{id}/progress", Ct);
            Assert.Contains("Shared decisions (CollaboRATE)", page, StringComparison.Ordinal);
            Assert.Contains("data-figure=\"top-share\">33%<", page, StringComparison.Ordinal);
            Assert.Contains("data-figure=\"mean\">7.9<", page, StringComparison.Ordinal);
            Assert.Contains("data-figure=\"count\">3<", page, StringComparison.Ordinal);
            Assert.Contains("CC BY-NC-ND 3.0", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_practice_report_shows_CollaboRATE_only_for_5_or_more_clients_with_25_or_more_answers_and_never_a_count()
    {
        await using var app = await TandemApp.StartAsync();
        // Four therapist-led clients, 7 answers each (4 top scores, 3 at 8-8-8); one client-led client, 2 top scores.
        for (var n = 0; n < 4; n++)
        {
            var (id, client) = await NewClient.JoinAsync(app, title: $"Therapist-led {n}");
            for (var i = 0; i < 7; i++)
            {
                await client.PostJsonAsync($"/api/engagements/{id}/responses", i < 4 ? Answers(9, 9, 9) : Answers(8, 8, 8), HttpStatusCode.Created);
            }

            client.Dispose();
        }

        var (led, ledClient) = await NewClient.JoinAsync(app, format: "ClientLed", title: "Client-led");
        await ledClient.PostJsonAsync($"/api/engagements/{led}/responses", Answers(9, 9, 9), HttpStatusCode.Created);
        await ledClient.PostJsonAsync($"/api/engagements/{led}/responses", Answers(9, 9, 9), HttpStatusCode.Created);
        ledClient.Dispose();

        // The quarter is reported once it is over.
        var today = app.TodayIn();
        var quarter = DisclosureAttackTestsKey(today);
        var nextQuarter = new DateOnly(today.Year, (((today.Month - 1) / 3) * 3) + 1, 1).AddMonths(3).AddDays(2);
        app.Clock.Advance(nextQuarter.ToDateTime(TimeOnly.MinValue) - app.Clock.GetUtcNow().UtcDateTime);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var report = await admin.GetJsonAsync($"/api/practice/outcomes?period={quarter}");

        // Everyone: 5 clients, 30 answers, 18 top scores = 60%; mean (18 x 9 + 12 x 8) / 30 = 8.6.
        var overall = report.GetProperty("overall").GetProperty("sharedDecisions");
        Assert.False(overall.GetProperty("hidden").GetBoolean());
        Assert.Equal(60, overall.GetProperty("topScorePercent").GetInt32());
        Assert.Equal(8.6, overall.GetProperty("mean").GetDouble());
        Assert.Equal("60%", overall.Str("topScoresText"));

        // Each format alone has fewer than 5 clients: hidden, and no count anywhere to subtract.
        foreach (var group in report.GetProperty("byFormat").EnumerateArray())
        {
            var figures = group.GetProperty("sharedDecisions");
            Assert.True(figures.GetProperty("hidden").GetBoolean(), group.Str("key"));
            Assert.Equal("fewer than 5", figures.Str("topScoresText"));
            Assert.Equal(JsonValueKind.Null, figures.GetProperty("topScorePercent").ValueKind);
            Assert.Equal(JsonValueKind.Null, figures.GetProperty("mean").ValueKind);
        }

        Assert.DoesNotContain(overall.EnumerateObject(), p => p.Name.Contains("count", StringComparison.OrdinalIgnoreCase));

        var page = await admin.GetStringAsync($"/practice/outcomes?period={quarter}", Ct);
        Assert.Contains("Shared decisions (CollaboRATE)", page, StringComparison.Ordinal);
        Assert.Matches("data-group=\"all\"><th scope=\"row\">[^<]+</th><td>60%</td><td>8.6</td>", page);
        Assert.Matches("data-group=\"TherapistLed\"><th scope=\"row\">Therapist-led</th><td>fewer than 5</td><td>fewer than 5</td>", page);
    }

    private static string DisclosureAttackTestsKey(DateOnly day) => Insights.DisclosureAttackTests.QuarterKey(day);

    [Fact]
    public async Task The_questionnaire_validates_and_a_response_round_trips_through_export_and_import()
    {
        await using var app = await TandemApp.StartAsync();
        var catalog = app.Service<InstrumentCatalog>();
        var builtIn = catalog.Get(InstrumentCatalog.Collaborate);
        var (errors, _) = FhirValidation.Validate(builtIn.Questionnaire);
        Assert.True(errors.Count == 0, string.Join("\n", errors));

        var (id, robin) = await NewClient.JoinAsync(app);
        var stored = await robin.PostJsonAsync($"/api/engagements/{id}/responses", Answers(9, 9, 8), HttpStatusCode.Created);
        Assert.Equal(26, stored.GetProperty("total").GetInt32());

        using var response = await robin.GetAsync($"/api/engagements/{id}/export/fhir", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = FhirValidation.Parse(await response.Content.ReadAsStringAsync(Ct));
        var (bundleErrors, _) = FhirValidation.Validate(bundle);
        Assert.True(bundleErrors.Count == 0, string.Join("\n", bundleErrors));

        // Back from the export: the same questions, options and scores, and the answers score the same.
        var exported = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Questionnaire>().Single(q => q.Id == InstrumentCatalog.Collaborate);
        var again = InstrumentCatalog.FromQuestionnaire(exported, InstrumentCatalog.Collaborate, imported: false);
        Assert.Equal(builtIn.Items.Select(i => i.Text), again.Items.Select(i => i.Text));
        Assert.Equal(builtIn.Items.SelectMany(i => i.Options.Select(o => (o.Code, o.Display, o.Score))), again.Items.SelectMany(i => i.Options.Select(o => (o.Code, o.Display, o.Score))));
        Assert.Equal(builtIn.Copyright, again.Copyright);
        var answers = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.QuestionnaireResponse>().Single(r => r.Questionnaire == builtIn.Questionnaire.Url);
        var read = FhirResponses.Read(again, JsonSerializer.Serialize(answers, FhirValidation.Json));
        Assert.Equal([9, 9, 8], read.OrderBy(a => a.LinkId, StringComparer.Ordinal).Select(a => a.Score!.Value));
        var rescored = CollaborateScoring.Score(read.OrderBy(a => a.LinkId, StringComparer.Ordinal).Select(a => a.Score!.Value).ToList());
        Assert.Equal(26, rescored.Total);
        Assert.False(rescored.IsTopScore);
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Observation>()
            .Where(o => o.Code.Coding.Any(c => c.Code is "collaborate-mean" or "collaborate-top-score")).ToList();
        Assert.Equal(2, observations.Count);

        // Imported as a practice's own instrument, it is recognised as the built-in and pointed back to it.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var content = new StringContent(JsonSerializer.Serialize(exported, FhirValidation.Json), Encoding.UTF8, "application/fhir+json");
        using var upload = await alex.PostAsync("/api/practice/instruments", content, Ct);
        var problem = await upload.Content.ReadAsStringAsync(Ct);
        Assert.True(upload.StatusCode == HttpStatusCode.UnprocessableEntity, problem);
        Assert.Contains("copy of the CollaboRATE", problem, StringComparison.Ordinal);
        await app.WithDbAsync(async db => Assert.False(await db.Set<PracticeInstrument>().AnyAsync(Ct)));
    }
}
