using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Measures.Instruments;
using Tandem.IntegrationTests.Export;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

/// <summary>
/// Issue 9, import: a therapist or the practice admin adds an instrument by uploading a FHIR R4
/// Questionnaire, sees its preview, enables it; it is then asked for and answered like a
/// built-in and scored by summing answer values. Acceptance 3 (round trip) and 4 (bad imports).
/// </summary>
public sealed partial class ImportTests
{
    private const string Path = "/api/practice/instruments";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_copy_of_a_built_in_is_refused_with_a_sentence_that_points_to_the_built_in()
    {
        // Issue 18 (1): an imported copy of the PHQ-9 was scored as a plain sum, without bands, the risk rule or alerts.
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var bundle = await ExportAsync(alex, sams);
        foreach (var (builtIn, title) in new[] { (InstrumentCatalog.Phq9, "PHQ-9"), (InstrumentCatalog.Gad7, "GAD-7"), (InstrumentCatalog.CollaborationCheck, "Collaboration Check") })
        {
            var refused = await UploadAsync(alex, QuestionnaireFrom(bundle, builtIn), HttpStatusCode.UnprocessableEntity);
            Assert.Contains($"copy of the {title}", refused.Str("title"), StringComparison.Ordinal);
            Assert.Contains($"Use the built-in {title} instead", refused.Str("title"), StringComparison.Ordinal);
        }

        // Renamed and re-addressed, a PHQ-9 is still a PHQ-9 by its LOINC codes; so is a GAD-7 without its panel code.
        var phq = JsonNode.Parse(QuestionnaireFrom(bundle, InstrumentCatalog.Phq9))!.AsObject();
        phq["url"] = "https://example.org/fhir/Questionnaire/our-mood-form";
        phq["id"] = "our-mood-form";
        phq["title"] = "Our mood form";
        await UploadAsync(alex, phq.ToJsonString(), HttpStatusCode.UnprocessableEntity);
        var gad = JsonNode.Parse(QuestionnaireFrom(bundle, InstrumentCatalog.Gad7))!.AsObject();
        gad["url"] = "https://example.org/fhir/Questionnaire/worry";
        gad.Remove("code");
        await UploadAsync(alex, gad.ToJsonString(), HttpStatusCode.UnprocessableEntity);
        await app.WithDbAsync(async db => Assert.False(await db.Set<PracticeInstrument>().AnyAsync(Ct)));
    }

    [Fact]
    public async Task Any_instrument_that_carries_the_risk_question_raises_risk_shows_crisis_information_and_alerts_the_therapist()
    {
        // Issue 18 (1): one rule decides a risk answer, whatever the instrument: an item coded LOINC 44260-8 answered above 0.
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var preview = await UploadAsync(alex, SampleQuestionnaires.WellbeingWithRiskQuestion(), HttpStatusCode.Created);
        await alex.PostJsonAsync($"{Path}/{preview.Id()}/enable", null, HttpStatusCode.OK);
        var key = preview.Str("key");
        var alertsBefore = (await alex.GetJsonAsync("/api/alerts")).EnumerateArray().Count(a => a.Str("kind") == "Risk");

        var safe = await sam.PostJsonAsync($"/api/engagements/{sams}/responses",
            new { instrumentId = key, answers = new object[] { new { linkId = "energy", value = 2 }, new { linkId = "thoughts", value = 0 } } }, HttpStatusCode.Created);
        Assert.Empty(safe.GetProperty("flags").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, safe.GetProperty("crisisInformation").ValueKind);

        var risk = await sam.PostJsonAsync($"/api/engagements/{sams}/responses",
            new { instrumentId = key, answers = new object[] { new { linkId = "energy", value = 1 }, new { linkId = "thoughts", value = 2 } } }, HttpStatusCode.Created);
        Assert.Equal(["risk"], risk.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToArray());
        Assert.False(string.IsNullOrWhiteSpace(risk.Str("crisisInformation")));
        var alerts = (await alex.GetJsonAsync("/api/alerts")).EnumerateArray().Where(a => a.Str("kind") == "Risk").ToList();
        Assert.Equal(alertsBefore + 1, alerts.Count);
        Assert.Contains(alerts, a => a.Str("instrumentId") == key && a.Str("rule").Contains("More than half the days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_enabled_import_is_scheduled_like_a_built_in_and_disabling_it_stops_new_answers_but_keeps_the_old_ones()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var preview = await UploadAsync(alex, SampleQuestionnaires.MoodCheck(), HttpStatusCode.Created, key: "mood-check");
        Assert.Equal("mood-check", preview.Str("key"));
        Assert.Contains("sum of the answer values of 2 scored questions", preview.Str("scoring"), StringComparison.Ordinal);
        Assert.Equal(6, preview.GetProperty("maxTotal").GetInt32());
        var sleep = preview.GetProperty("items")[1];
        Assert.Equal(["Badly", "So-so", "Well", "Very well"], sleep.GetProperty("options").EnumerateArray().Select(o => o.Str("display")).ToArray());
        Assert.Equal([0, 1, 2, 3], sleep.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("value").GetInt32()).ToArray());
        Assert.False(preview.GetProperty("items")[2].GetProperty("scored").GetBoolean());

        await alex.PostJsonAsync($"{Path}/{preview.Id()}/enable", null, HttpStatusCode.OK);
        await alex.PostJsonAsync($"{Path}/{preview.Id()}/enable", null, HttpStatusCode.Conflict);
        var schedule = await alex.PostJsonAsync($"/api/engagements/{sams}/schedules", new { instrumentId = "mood-check", kind = "Once" }, HttpStatusCode.Created);
        Assert.Equal("Mood check", schedule.Str("instrumentTitle"));
        var due = await sam.GetJsonAsync("/api/me/due");
        Assert.Contains(due.EnumerateArray(), d => d.Str("instrumentId") == "mood-check" && d.Str("instrumentTitle") == "Mood check");

        // The client fills it in on the form page like a built-in; the total is stored.
        using var samPages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(samPages, "sam@riverside.test"))
        {
        }

        var formPath = $"/engagements/{sams}/measures/mood-check";
        Assert.Contains("How did you sleep?", await samPages.GetStringAsync(formPath, Ct), StringComparison.Ordinal);
        using (var saved = await PageForms.SubmitAsync(samPages, formPath, "measure", new Dictionary<string, string>
        {
            ["a:mood"] = "3",
            ["a:sleep"] = "2",
            ["a:notes"] = "Better week.",
            ["move"] = "finish",
            ["submission"] = Guid.NewGuid().ToString("N"),
        }))
        {
            var html = await saved.Content.ReadAsStringAsync(Ct);
            Assert.Contains("Thank you, your answers are saved", html, StringComparison.Ordinal);
            Assert.Contains("5 <span class=\"stat-of\">of 6</span>", html, StringComparison.Ordinal);
        }

        await alex.PostJsonAsync($"{Path}/{preview.Id()}/disable", null, HttpStatusCode.OK);
        await sam.PostJsonAsync($"/api/engagements/{sams}/responses", new { instrumentId = "mood-check", answers = new object[] { new { linkId = "mood", value = 1 } } }, HttpStatusCode.UnprocessableEntity);
        Assert.DoesNotContain((await sam.GetJsonAsync("/api/me/due")).EnumerateArray(), d => d.Str("instrumentId") == "mood-check");
        var kept = await sam.GetJsonAsync($"/api/engagements/{sams}/responses?instrumentId=mood-check");
        Assert.Equal(5, Assert.Single(kept.EnumerateArray()).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await samPages.GetAsync(formPath, Ct)).StatusCode);

        await app.WithDbAsync(async db =>
        {
            var id = preview.Id().ToString();
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.ObjectType == "PracticeInstrument" && e.ObjectId == id).ToListAsync(Ct);
            Assert.Equal([AuditAction.Create, AuditAction.Update, AuditAction.Update], entries.OrderBy(e => e.Sequence).Select(e => e.Action).ToArray());
            Assert.All(entries, e => Assert.Equal(AuditCategories.Administrative, e.DataCategory));
        });
    }

    [Fact]
    public async Task An_imported_instruments_answers_are_charted_on_the_progress_page_for_the_client_and_the_therapist_and_stay_after_it_is_disabled()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var preview = await UploadAsync(alex, SampleQuestionnaires.MoodCheck(), HttpStatusCode.Created, key: "mood-check");
        await alex.PostJsonAsync($"{Path}/{preview.Id()}/enable", null, HttpStatusCode.OK);
        foreach (var (mood, sleep) in new[] { (1, 1), (3, 2) })
        {
            await sam.PostJsonAsync($"/api/engagements/{sams}/responses", new { instrumentId = "mood-check", answers = new object[] { new { linkId = "mood", value = mood }, new { linkId = "sleep", value = sleep } } }, HttpStatusCode.Created);
            // Two answers at the same instant have no order; a person's never are.
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        static JsonElement MoodCheckOf(JsonElement progress) =>
            Assert.Single(progress.GetProperty("people").EnumerateArray().SelectMany(p => p.GetProperty("measures").EnumerateArray()), m => m.Str("instrumentId") == "mood-check");

        foreach (var reader in new[] { sam, alex })
        {
            var measure = MoodCheckOf(await reader.GetJsonAsync($"/api/engagements/{sams}/progress"));
            Assert.Equal("Mood check", measure.Str("title"));
            Assert.True(measure.GetProperty("imported").GetBoolean());
            Assert.Equal(6, measure.GetProperty("maxTotal").GetInt32());
            Assert.Equal(JsonValueKind.Null, measure.GetProperty("caseness").ValueKind);
            Assert.Equal([2, 5], measure.GetProperty("series").EnumerateArray().Select(p => p.GetProperty("total").GetInt32()).ToArray());
        }

        // Another client of the same therapist sees no trace of it.
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        var jordans = await Demo.JordansEngagementAsync(app);
        Assert.DoesNotContain("mood-check", (await jordan.GetJsonAsync($"/api/engagements/{jordans}/progress")).GetRawText(), StringComparison.Ordinal);

        // Disabled, it takes no new answers, but what was answered stays on the chart.
        await alex.PostJsonAsync($"{Path}/{preview.Id()}/disable", null, HttpStatusCode.OK);
        Assert.Equal(2, MoodCheckOf(await sam.GetJsonAsync($"/api/engagements/{sams}/progress")).GetProperty("series").GetArrayLength());

        using var alexPages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(alexPages, "alex@riverside.test"))
        {
        }

        var html = await alexPages.GetStringAsync($"/engagements/{sams}/progress", Ct);
        Assert.Contains("Mood check scores over time", html, StringComparison.Ordinal);
        Assert.Contains("Imported by your practice. Totals only (0 to 6)", html, StringComparison.Ordinal);
        Assert.Contains("2 scores from 2 to 5 (of 6).", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_practice_staff_manage_instruments_and_another_practice_sees_404()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var harborAdmin = await app.ClientForAsync("admin@harbor.test");
        using var lee = await app.ClientForAsync("lee@harbor.test");

        var preview = await UploadAsync(admin, SampleQuestionnaires.MoodCheck(), HttpStatusCode.Created);
        Assert.Equal("mood-check", preview.Str("key"));
        Assert.Contains((await alex.GetJsonAsync(Path)).EnumerateArray(), i => i.Id() == preview.Id());

        // A second upload of the same Questionnaire gets its own key.
        Assert.Equal("mood-check-2", (await UploadAsync(alex, SampleQuestionnaires.MoodCheck(), HttpStatusCode.Created)).Str("key"));

        Assert.True(await sam.StatusOfGetAsync(Path) is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
        Assert.True(await sam.StatusOfPostAsync($"{Path}/{preview.Id()}/enable") is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
        foreach (var other in new[] { harborAdmin, lee })
        {
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfGetAsync($"{Path}/{preview.Id()}"));
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfPostAsync($"{Path}/{preview.Id()}/enable"));
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfPostAsync($"{Path}/{preview.Id()}/disable"));
            Assert.Empty((await other.GetJsonAsync(Path)).EnumerateArray());
        }

        // Lee's practice can import the same Questionnaire under the same key: keys are per practice.
        Assert.Equal("mood-check", (await UploadAsync(lee, SampleQuestionnaires.MoodCheck(), HttpStatusCode.Created)).Str("key"));
        Assert.Equal("Draft", (await admin.GetJsonAsync($"{Path}/{preview.Id()}")).Str("status"));
    }

    public static TheoryData<string, string, int, string> BadImports => new()
    {
        { "not JSON", "this is not { json", 400, "The file is not JSON." },
        { "empty", "", 400, "The file is not JSON." },
        { "a JSON array", "[1, 2, 3]", 422, "not a FHIR resource" },
        { "a Patient", """{"resourceType": "Patient", "id": "p1", "name": [{"text": "Sam"}]}""", 422, "The file is a FHIR Patient, not a Questionnaire." },
        { "an item without linkId", Mutate(q => q["item"]!.AsArray()[0]!.AsObject().Remove("linkId")), 422, "The Questionnaire is not valid FHIR R4" },
        { "a wrong status code", Mutate(q => q["status"] = "finished"), 422, "The Questionnaire is not valid FHIR R4" },
        { "duplicate linkIds", Mutate(q => q["item"]!.AsArray()[1]!["linkId"] = "mood"), 422, "Two items share the linkId \"mood\"" },
        { "no scored question", Mutate(q => q["item"] = new JsonArray(JsonNode.Parse("""{"linkId": "notes", "text": "Anything else?", "type": "text"}"""))), 422, "The Questionnaire has no scored question" },
        { "a calculated score", Mutate(q => q["extension"] = JsonNode.Parse("""[{"url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression", "valueExpression": {"language": "text/fhirpath", "expression": "1"}}]""")), 422, "computes its score with an expression (calculatedExpression)" },
        { "a group", Mutate(q => q["item"] = new JsonArray(JsonNode.Parse("""{"linkId": "g", "type": "group", "item": [{"linkId": "x", "type": "text", "text": "x"}]}"""))), 422, "is a group" },
    };

    [Theory]
    [MemberData(nameof(BadImports))]
    public async Task Bad_imports_get_a_clear_problem_and_nothing_is_stored(string what, string body, int status, string message)
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
        using var response = await alex.PostAsync(Path, content, Ct);
        await AssertProblemAsync(response, status, message, what);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task A_key_that_is_a_built_in_id_is_refused_and_nothing_is_stored()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var content = new StringContent(SampleQuestionnaires.MoodCheck(), Encoding.UTF8, "application/json");
        using var response = await alex.PostAsync(Path + "?key=phq-9", content, Ct);
        await AssertProblemAsync(response, 422, "\"phq-9\" is the id of one of Tandem's built-in instruments", "built-in key");
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task A_10_MB_upload_is_refused_with_a_413_problem_before_it_is_read_and_nothing_is_stored()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var content = new ByteArrayContent(TenMegabytes());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        using var response = await alex.PostAsync(Path, content, Ct);
        await AssertProblemAsync(response, 413, "The file is larger than 1 MB.", "10 MB");

        // Without a declared length (chunked), the read stops at the limit.
        using var chunked = new StreamContent(new MemoryStream(TenMegabytes()));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await alex.SendAsync(request, Ct);
        await AssertProblemAsync(chunkedResponse, 413, "The file is larger than 1 MB.", "10 MB chunked");
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task Over_a_real_connection_a_10_MB_upload_gets_a_readable_413_not_a_reset()
    {
        await using var app = await TandemApp.StartAsync(kestrel: true);
        using var client = new HttpClient { BaseAddress = app.RootUri };
        var login = await client.PostJsonAsync("/api/auth/login", new { email = "alex@riverside.test", password = TandemApp.DemoPassword }, HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Str("accessToken"));
        using var content = new ByteArrayContent(TenMegabytes());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        using var response = await client.PostAsync(Path, content, Ct);
        await AssertProblemAsync(response, 413, "The file is larger than 1 MB.", "10 MB over Kestrel");

        // The connection is still good for the next request.
        using var list = await client.GetAsync(Path, Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task The_page_uploads_a_file_shows_the_preview_and_enables_it_and_explains_a_bad_file()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = app.CreateAnonymousClient();
        await PageForms.SignInAsync(alex, "alex@riverside.test");

        using var bad = await UploadFormAsync(alex, Encoding.UTF8.GetBytes("""{"resourceType": "Patient"}"""));
        var badHtml = await bad.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("The file is a FHIR Patient, not a Questionnaire.", badHtml, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved.", badHtml, StringComparison.Ordinal);

        using var big = await UploadFormAsync(alex, TenMegabytes());
        var bigHtml = await big.Content.ReadAsStringAsync(Ct);
        Assert.True(big.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)big.StatusCode}: {bigHtml[..Math.Min(bigHtml.Length, 2000)]}");
        Assert.Contains("The file is larger than 1 MB.", bigHtml, StringComparison.Ordinal);
        await AssertNothingStoredAsync(app);

        using var good = await UploadFormAsync(alex, Encoding.UTF8.GetBytes(SampleQuestionnaires.MoodCheck()));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var previewPath = good.Headers.Location!.ToString();
        Assert.Matches("/practice/instruments/[0-9a-f-]{36}$", previewPath);
        var previewHtml = await alex.GetStringAsync(previewPath, Ct);
        Assert.Contains("How did you sleep?", previewHtml, StringComparison.Ordinal);
        Assert.Contains("Total score: the sum of the answer values of 2 scored questions, from 0 to 6.", previewHtml, StringComparison.Ordinal);
        Assert.Contains("Draft: not in use", previewHtml, StringComparison.Ordinal);

        using var enabled = await PageForms.SubmitAsync(alex, previewPath, "enable", new Dictionary<string, string>());
        var enabledHtml = await enabled.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Mood check is enabled", enabledHtml, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> UploadFormAsync(HttpClient client, byte[] file)
    {
        var page = await client.GetStringAsync("/practice/instruments", Ct);
        var token = PageForms.TokenIn(page) ?? "";
        using var form = new MultipartFormDataContent
        {
            { new StringContent("upload-instrument"), "_handler" },
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(""), "key" },
        };
        var fileContent = new ByteArrayContent(file);
        fileContent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(fileContent, "file", "questionnaire.json");
        return await client.PostAsync("/practice/instruments", form, Ct);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string message, string what)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"{what}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Contains(message, problem.Str("title"), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    private static Task AssertNothingStoredAsync(TandemApp app) => app.WithDbAsync(async db =>
    {
        Assert.Equal(0, await db.Set<PracticeInstrument>().CountAsync(Ct));
        Assert.False(await db.AuditEntries.AnyAsync(e => e.ObjectType == "PracticeInstrument", Ct));
    });

    private static byte[] TenMegabytes()
    {
        // A syntactically plausible start, then padding: the size alone must decide.
        var bytes = new byte[10 * 1024 * 1024];
        Array.Fill(bytes, (byte)' ');
        Encoding.ASCII.GetBytes("""{"resourceType": "Questionnaire", "status": "active", "item": []""").CopyTo(bytes, 0);
        bytes[^1] = (byte)'}';
        return bytes;
    }

    private static async Task<JsonElement> UploadAsync(HttpClient client, string questionnaire, HttpStatusCode expected, string? key = null)
    {
        using var content = new StringContent(questionnaire, Encoding.UTF8, "application/fhir+json");
        using var response = await client.PostAsync(key is null ? Path : $"{Path}?key={key}", content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"upload: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<Hl7.Fhir.Model.Bundle> ExportAsync(HttpClient client, Guid engagementId)
    {
        using var response = await client.GetAsync($"/api/engagements/{engagementId}/export/fhir", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return FhirValidation.Parse(await response.Content.ReadAsStringAsync(Ct));
    }

    private static string QuestionnaireFrom(Hl7.Fhir.Model.Bundle bundle, string id)
    {
        var questionnaire = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Questionnaire>().Single(q => q.Id == id);
        return JsonSerializer.Serialize(questionnaire, FhirValidation.Json);
    }

    private static string Mutate(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(SampleQuestionnaires.MoodCheck())!.AsObject();
        change(node);
        return node.ToJsonString();
    }
}
