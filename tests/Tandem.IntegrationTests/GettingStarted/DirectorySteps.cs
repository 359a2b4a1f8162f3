using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.GettingStarted;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.GettingStarted;

/// <summary>Shared steps for the directory tests, through the app's own API.</summary>
internal static class DirectorySteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Answers to the seven preference items: directiveness means -2 (strongly toward therapist direction).</summary>
    public static readonly object[] TherapistLeaningAnswers =
    [
        new { linkId = "d1", value = -3 }, new { linkId = "d2", value = -2 }, new { linkId = "d3", value = -2 }, new { linkId = "d4", value = -1 },
        new { linkId = "e1", value = 1 }, new { linkId = "p1", value = 2 }, new { linkId = "s1", value = 0 },
    ];

    public static async Task<Guid> ListingOfAsync(TandemApp app, string displayName)
    {
        using var anonymous = app.CreateAnonymousClient();
        var list = await anonymous.GetJsonAsync("/api/directory");
        return list.EnumerateArray().First(e => e.Str("displayName") == displayName).Id();
    }

    public static object Valid(Guid therapistId, string name = "Robin Hale", string? email = "robin@example.test", object? answers = null) => new
    {
        therapistId,
        name,
        email,
        phone = (string?)null,
        message = "I have been feeling stuck since I changed jobs and would like to talk to someone.",
        preferredFormat = "NoPreference",
        preferenceAnswers = answers,
    };

    public static async Task<Guid> SendAsync(TandemApp app, Guid therapistId, string name = "Robin Hale", string? email = "robin@example.test", object? answers = null)
    {
        using var anonymous = app.CreateAnonymousClient();
        var sent = await anonymous.PostJsonAsync("/api/directory/requests", Valid(therapistId, name, email, answers), HttpStatusCode.Created);
        return sent.Id();
    }

    public static async Task<(int Requests, int Mail)> CountsAsync(TandemApp app)
    {
        var counts = (0, 0);
        await app.WithDbAsync(async db =>
        {
            counts = (await db.Set<FirstConversationRequest>().CountAsync(Ct), await db.Set<OutboxMessage>().CountAsync(Ct));
        });
        return counts;
    }

    public static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, object body) =>
        await client.PostAsJsonAsync("/api/directory/requests", body, Ct);

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
}
