using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

/// <summary>Sessions built through the app's own API, as a participant would.</summary>
internal static class SessionSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<Guid> ScheduleAsync(HttpClient therapist, Guid engagementId, DateTimeOffset startsAt, int minutes = 50, string location = "Room 2")
    {
        var created = await therapist.PostJsonAsync($"/api/engagements/{engagementId}/sessions", new { startsAt, durationMinutes = minutes, location }, HttpStatusCode.Created);
        return created.Id();
    }

    public static async Task<(JsonElement Note, string ETag)> GetNoteAsync(HttpClient client, Guid sessionId)
    {
        using var response = await client.GetAsync($"/api/sessions/{sessionId}/note", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (JsonDocument.Parse(text).RootElement.Clone(), response.Headers.ETag?.ToString() ?? "");
    }

    public static async Task<HttpResponseMessage> PutNoteAsync(HttpClient client, Guid sessionId, string body, string? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/sessions/{sessionId}/note") { Content = JsonContent.Create(new { body }) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>Writes and signs a note in one go (therapist).</summary>
    public static async Task SignedNoteAsync(HttpClient therapist, Guid sessionId, string body)
    {
        var (_, etag) = await GetNoteAsync(therapist, sessionId);
        using var put = await PutNoteAsync(therapist, sessionId, body, etag);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await therapist.PostJsonAsync($"/api/sessions/{sessionId}/note/sign", null, HttpStatusCode.OK);
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request, Ct);
    }

    public static MediaTypeHeaderValue Json => new("application/json");
}
