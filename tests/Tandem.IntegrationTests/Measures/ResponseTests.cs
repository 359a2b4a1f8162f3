using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Measures;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

public sealed class ResponseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_instruments_are_listed_with_their_FHIR_questionnaires()
    {
        await using var app = await TandemApp.StartAsync();
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var list = await sam.GetJsonAsync("/api/instruments");
        Assert.Equal(["phq-9", "gad-7", "collaboration-check", "collaboration-check-therapist", "preferences", "collaborate"], list.EnumerateArray().Select(i => i.Str("id")).ToArray());
        var phq = list[0].GetProperty("questionnaire");
        Assert.Equal("Questionnaire", phq.Str("resourceType"));
        Assert.Equal("44249-1", phq.GetProperty("code")[0].Str("code"));
    }

    [Fact]
    public async Task A_PHQ_9_with_item_9_above_0_flags_risk_shows_crisis_information_and_alerts_the_therapist_at_once()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");

        var result = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Phq9(each: 1, item9: 1), HttpStatusCode.Created);
        Assert.Equal(9, result.GetProperty("total").GetInt32());
        Assert.Equal("mild", result.Str("band"));
        Assert.Contains("risk", result.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("Samaritans", result.Str("crisisInformation"), StringComparison.Ordinal);

        var alerts = await alex.GetJsonAsync("/api/alerts");
        var risk = alerts.EnumerateArray().First(a => a.Str("kind") == "Risk" && a.GetProperty("engagementId").GetGuid() == sams);
        Assert.Contains("item 9", risk.Str("rule"), StringComparison.Ordinal);
        Assert.Equal("Sam", risk.Str("subjectName").Split(' ')[0]);

        // Only therapists see alerts; acknowledging removes it from the open list.
        Assert.True(await sam.StatusOfGetAsync("/api/alerts") is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
        await alex.PostJsonAsync($"/api/alerts/{risk.Id()}/acknowledge", null, HttpStatusCode.OK);
        await alex.PostJsonAsync($"/api/alerts/{risk.Id()}/acknowledge", null, HttpStatusCode.Conflict);
        Assert.DoesNotContain((await alex.GetJsonAsync("/api/alerts")).EnumerateArray(), a => a.Id() == risk.Id());

        await app.WithDbAsync(async db =>
        {
            var id = result.Id().ToString();
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "MeasureResponse" && e.ObjectId == id && e.Action == AuditAction.Create, Ct));
            var alertId = risk.Id().ToString();
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "MeasureAlert" && e.ObjectId == alertId && e.Action == AuditAction.Create, Ct));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "MeasureAlert" && e.ObjectId == alertId && e.Action == AuditAction.Update, Ct));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "MeasureAlertList" && e.Action == AuditAction.Read, Ct));
            var observation = await db.Set<ScoreObservation>().SingleAsync(o => o.ResponseId == result.Id(), Ct);
            Assert.Equal("44261-6", observation.Code);
            Assert.Equal(9, observation.Value);
        });
    }

    [Fact]
    public async Task The_PHQ_9_difficulty_question_is_stored_and_exported_as_the_chosen_option_and_stays_out_of_the_total()
    {
        // Issue 18 (4): its options carried no value, so the API refused 1-3 and every choice was stored as "Not difficult at all".
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        string[] expected = ["Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"];
        string[] codes = ["LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3"];
        for (var value = 0; value <= 3; value++)
        {
            var body = new
            {
                instrumentId = "phq-9",
                answers = MeasureRequests.Phq9Items.Select(l => new { linkId = l, value = l == "44260-8" ? 0 : 1 }).Append(new { linkId = "69722-7", value }).ToArray(),
            };
            var result = await robin.PostJsonAsync($"/api/engagements/{id}/responses", body, HttpStatusCode.Created);
            Assert.Equal(8, result.GetProperty("total").GetInt32());
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await robin.PostJsonAsync($"/api/engagements/{id}/responses",
            new { instrumentId = "phq-9", answers = MeasureRequests.Phq9Items.Select(l => new { linkId = l, value = 1 }).Append(new { linkId = "69722-7", value = 4 }).ToArray() },
            HttpStatusCode.UnprocessableEntity);

        var stored = (await robin.GetJsonAsync($"/api/engagements/{id}/responses?instrumentId=phq-9")).EnumerateArray()
            .OrderBy(r => r.GetProperty("submittedAt").GetDateTimeOffset())
            .Select(r => r.GetProperty("answers").EnumerateArray().Single(a => a.Str("linkId") == "69722-7").Str("display")).ToArray();
        Assert.Equal(expected, stored);

        using var export = await robin.GetAsync($"/api/engagements/{id}/export/fhir", Ct);
        var bundle = Tandem.IntegrationTests.Export.FhirValidation.Parse(await export.Content.ReadAsStringAsync(Ct));
        var chosen = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.QuestionnaireResponse>()
            .OrderBy(r => r.Authored)
            .Select(r => ((Hl7.Fhir.Model.Coding)r.Item.Single(i => i.LinkId == "69722-7").Answer.Single().Value!).Code).ToArray();
        Assert.Equal(codes, chosen);
    }

    [Fact]
    public async Task Invalid_submissions_answer_422_naming_the_item_or_404_and_store_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var casey = await app.ClientForAsync("casey@riverside.test");
        var before = await CountAsync(app);

        var missing = new { instrumentId = "phq-9", answers = MeasureRequests.Phq9Items.Skip(1).Select(l => new { linkId = l, value = 1 }).ToArray() };
        var problem = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", missing, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("44250-9", out _));

        var outOfRange = new { instrumentId = "phq-9", answers = MeasureRequests.Phq9Items.Select(l => new { linkId = l, value = l == "44259-0" ? 4 : 1 }).ToArray() };
        problem = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", outOfRange, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("44259-0", out _));

        var unknown = new { instrumentId = "gad-7", answers = MeasureRequests.Gad7Items.Select(l => new { linkId = l, value = 1 }).Append(new { linkId = "44260-8", value = 1 }).ToArray() };
        problem = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", unknown, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("44260-8", out _));

        problem = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Collaboration("collaboration-check-therapist", 3), HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("instrumentId", out _));
        problem = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", new { instrumentId = "beck", answers = Array.Empty<object>() }, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("instrumentId", out _));

        // Another person's engagement does not exist for Casey, whatever the body.
        await casey.PostJsonAsync($"/api/engagements/{sams}/responses", MeasureRequests.Phq9(), HttpStatusCode.NotFound);
        await casey.PostJsonAsync($"/api/engagements/{Guid.NewGuid()}/responses", MeasureRequests.Phq9(), HttpStatusCode.NotFound);
        await casey.GetJsonAsync($"/api/engagements/{sams}/responses", HttpStatusCode.NotFound);
        await casey.GetJsonAsync($"/api/engagements/{sams}/progress", HttpStatusCode.NotFound);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        Assert.True(await admin.StatusOfGetAsync($"/api/engagements/{sams}/progress") is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);

        Assert.Equal(before, await CountAsync(app));
    }

    [Fact]
    [Trait("Suite", "Reliability")]
    public async Task Twenty_replays_ten_at_once_with_one_key_store_exactly_one_response_with_one_audit_entry()
    {
        // QUALITY.md R3: a client that retries (a lost answer, a double tap, a flaky network) never stores a second record.
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var before = await CountAsync(app);
        var key = Guid.NewGuid().ToString();

        async Task<(HttpStatusCode Status, Guid Id, bool Replayed)> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/engagements/{sams}/responses") { Content = JsonContent.Create(MeasureRequests.Gad7(2)) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await sam.SendAsync(request, Ct);
            var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
            return (response.StatusCode, response.StatusCode == HttpStatusCode.Created ? body.Id() : Guid.Empty, response.Headers.Contains("Idempotent-Replayed"));
        }

        // Ten at the same moment, then ten one after another.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(SendAsync, Ct)));
        var sequential = new List<(HttpStatusCode Status, Guid Id, bool Replayed)>();
        for (var i = 0; i < 10; i++)
        {
            sequential.Add(await SendAsync());
        }

        var all = concurrent.Concat(sequential).ToList();
        Assert.All(all, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        var id = Assert.Single(all.Select(r => r.Id).Distinct());
        Assert.Equal(all.Count - 1, all.Count(r => r.Replayed));
        Assert.Equal(before + 1, await CountAsync(app));
        var stored = 0;
        var created = 0;
        await app.WithDbAsync(async db =>
        {
            stored = await db.Set<MeasureResponse>().CountAsync(r => r.IdempotencyKey == key, Ct);
            created = await db.AuditEntries.CountAsync(e => e.Action == AuditAction.Create && e.ObjectType == "MeasureResponse" && e.ObjectId == id.ToString(), Ct);
        });
        Assert.Equal(1, stored);
        Assert.Equal(1, created);

        // The same key for a different submission is refused (422, as the Idempotency-Key draft says), and still stores nothing.
        using var other = new HttpRequestMessage(HttpMethod.Post, $"/api/engagements/{sams}/responses") { Content = JsonContent.Create(MeasureRequests.Gad7(3)) };
        other.Headers.Add("Idempotency-Key", key);
        using var refused = await sam.SendAsync(other, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(before + 1, await CountAsync(app));
        Figures.Print($"idempotent retries: {all.Count} replays ({concurrent.Length} at the same moment), {stored} record");
    }

    [Fact]
    public async Task In_a_couple_each_partner_sees_only_their_own_responses_and_the_therapist_sees_both()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");

        var mine = await avery.PostJsonAsync($"/api/engagements/{couple}/responses", MeasureRequests.Phq9(2, 0), HttpStatusCode.Created);
        var averyId = (await avery.GetJsonAsync("/api/me")).Id();

        var rileySees = await riley.GetJsonAsync($"/api/engagements/{couple}/responses?instrumentId=phq-9");
        Assert.NotEmpty(rileySees.EnumerateArray());
        Assert.DoesNotContain(rileySees.EnumerateArray(), r => r.GetProperty("respondentId").GetGuid() == averyId);
        var rileyProgress = await riley.GetJsonAsync($"/api/engagements/{couple}/progress");
        Assert.DoesNotContain(rileyProgress.GetProperty("people").EnumerateArray(), p => p.GetProperty("userId").GetGuid() == averyId);
        Assert.Empty(rileyProgress.GetProperty("alerts").EnumerateArray());

        var morganSees = await morgan.GetJsonAsync($"/api/engagements/{couple}/responses?instrumentId=phq-9");
        Assert.Contains(morganSees.EnumerateArray(), r => r.Id() == mine.Id());
        Assert.Equal(2, (await morgan.GetJsonAsync($"/api/engagements/{couple}/progress")).GetProperty("people").GetArrayLength());
    }

    [Fact]
    public async Task The_preferences_check_is_allowed_before_the_agreement_is_signed_and_other_measures_are_not()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await jordan.PostJsonAsync($"/api/engagements/{jordans}/agreement/withdraw", null, HttpStatusCode.OK);

        await jordan.PostJsonAsync($"/api/engagements/{jordans}/responses", MeasureRequests.Phq9(), HttpStatusCode.Conflict);
        var result = await jordan.PostJsonAsync($"/api/engagements/{jordans}/responses", MeasureRequests.Preferences(-2), HttpStatusCode.Created);
        Assert.Equal("TherapistLed", result.GetProperty("preferences").Str("suggestedFormat"));

        // The result (not the answers) is shown to every participant.
        var shared = await alex.GetJsonAsync($"/api/engagements/{jordans}/preferences");
        var jordanResult = shared.EnumerateArray().Single().GetProperty("result");
        Assert.Equal("TherapistLed", jordanResult.Str("suggestedFormat"));
        Assert.Equal(-2, jordanResult.GetProperty("dimensions")[0].GetProperty("mean").GetDouble());
    }

    private static async Task<int> CountAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await db.Set<MeasureResponse>().CountAsync(Ct));
        return count;
    }
}
