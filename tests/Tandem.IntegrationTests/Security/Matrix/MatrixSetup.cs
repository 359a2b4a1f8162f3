using System.Net;
using System.Text;
using System.Text.Json;
using Tandem.IntegrationTests.GettingStarted;
using Tandem.IntegrationTests.Measures;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security.Matrix;

/// <summary>
/// Records the demo lacks, made through the app's own API so the matrix has a real foreign id
/// of every type: first-conversation requests, an imported instrument in each practice,
/// personal records marked with words nobody else may ever see (each partner's reflection,
/// private notes, a one-to-one thread with Avery) and a questionnaire response with a risk
/// answer from every client (so every therapist has an open alert).
/// </summary>
public static class MatrixSetup
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task RunAsync(TandemApp app)
    {
        using (var anonymous = app.CreateAnonymousClient())
        {
            foreach (var listing in (await anonymous.GetJsonAsync("/api/directory")).EnumerateArray())
            {
                await anonymous.PostJsonAsync("/api/directory/requests", DirectorySteps.Valid(listing.Id()), HttpStatusCode.Created);
            }
        }

        // Each practice's instrument under its own key, so a key from one practice names nothing in the other.
        foreach (var (staff, admin, key) in new[] { ("lee@harbor.test", "admin@harbor.test", "harbor-mood"), ("alex@riverside.test", "admin@riverside.test", "riverside-mood") })
        {
            using var uploader = await app.ClientForAsync(staff);
            using var content = new StringContent(SampleQuestionnaires.MoodCheck(), Encoding.UTF8, "application/fhir+json");
            using var uploaded = await uploader.PostAsync($"/api/practice/instruments?key={key}", content, Ct);
            var text = await uploaded.Content.ReadAsStringAsync(Ct);
            Assert.True(uploaded.StatusCode == HttpStatusCode.Created, text);
            using var enabler = await app.ClientForAsync(admin);
            await enabler.PostJsonAsync($"/api/practice/instruments/{JsonDocument.Parse(text).RootElement.Id()}/enable", null, HttpStatusCode.OK);
        }

        var couple = await Demo.CouplesEngagementAsync(app);
        var sams = await Demo.SamsEngagementAsync(app);
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");

        var coupleSession = await PastSessionAsync(morgan, couple);
        await avery.PostJsonAsync($"/api/sessions/{coupleSession}/reflections", new { text = "Avery: " + RecordIndex.Marker("avery") }, HttpStatusCode.Created);
        await riley.PostJsonAsync($"/api/sessions/{coupleSession}/reflections", new { text = "Riley: " + RecordIndex.Marker("riley") }, HttpStatusCode.Created);
        await PrivateNoteAsync(morgan, coupleSession, "Morgan: " + RecordIndex.Marker("morgan"));
        var averyId = (await avery.GetJsonAsync("/api/me")).Id();
        await morgan.PostJsonAsync($"/api/engagements/{couple}/messages", new { body = "Avery only: " + RecordIndex.Marker("thread"), withClient = averyId }, HttpStatusCode.Created);

        var samSession = await PastSessionAsync(alex, sams);
        await sam.PostJsonAsync($"/api/sessions/{samSession}/reflections", new { text = "Sam: " + RecordIndex.Marker("sam") }, HttpStatusCode.Created);
        await PrivateNoteAsync(alex, samSession, "Alex: " + RecordIndex.Marker("alex"));

        foreach (var email in new[] { "sam@riverside.test", "jordan@riverside.test", "riley@riverside.test", "avery@riverside.test", "casey@riverside.test", "kim@harbor.test" })
        {
            using var client = await app.ClientForAsync(email);
            var engagement = (await client.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
            await client.PostJsonAsync($"/api/engagements/{engagement}/responses", MeasureRequests.Phq9(1, item9: 1), HttpStatusCode.Created);
        }
    }

    /// <summary>A completed session of the engagement (one that already happened, so it takes reflections).</summary>
    public static async Task<Guid> PastSessionAsync(HttpClient participant, Guid engagement)
    {
        var sessions = await participant.GetJsonAsync($"/api/engagements/{engagement}/sessions");
        return sessions.EnumerateArray().Last(s => s.Str("status") == "Completed").Id();
    }

    private static async Task PrivateNoteAsync(HttpClient therapist, Guid session, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/sessions/{session}/private-note") { Content = System.Net.Http.Json.JsonContent.Create(new { body }) };
        using var response = await therapist.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }
}
