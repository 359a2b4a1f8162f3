using System.Net;

namespace Tandem.IntegrationTests.Support;

/// <summary>A new engagement of a demo therapist with a new client who has joined and signed: a clean series to test rules on.</summary>
internal static class NewClient
{
    public const string Password = "tidepool lantern 77";

    public static async Task<(Guid EngagementId, HttpClient Client)> JoinAsync(TandemApp app, string therapistEmail = "alex@riverside.test", string? clientEmail = null, string format = "TherapistLed", string title = "A new start", string displayName = "Robin Hale")
    {
        clientEmail ??= $"client-{Guid.NewGuid():N}@example.test";
        using var therapist = await app.ClientForAsync(therapistEmail);
        var id = (await therapist.PostJsonAsync("/api/engagements", new { title, format }, HttpStatusCode.Created)).Id();
        var invite = (await therapist.PostJsonAsync($"/api/engagements/{id}/invitations", new { email = clientEmail }, HttpStatusCode.Created)).Str("inviteUrl");
        using var anonymous = app.CreateAnonymousClient();
        await anonymous.PostJsonAsync($"/api/invitations/{invite[(invite.LastIndexOf('/') + 1)..]}/accept", new { displayName, password = Password }, HttpStatusCode.Created);
        var client = await app.ClientForAsync(clientEmail, Password);
        await client.PostJsonAsync($"/api/engagements/{id}/agreement/sign", null, HttpStatusCode.OK);
        return (id, client);
    }
}
