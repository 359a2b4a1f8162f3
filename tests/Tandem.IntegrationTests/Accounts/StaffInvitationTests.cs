using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 21, People: inviting an address that already has an account in this practice says so
/// instead of sending a duplicate; a second invitation while one is waiting is not sent either.
/// Accounts in other practices are not looked at (the admin learns nothing about them).
/// </summary>
public sealed class StaffInvitationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_admin_is_told_instead_of_sending_a_duplicate_invitation()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var mailBefore = await InvitationMailsAsync(app);

        // Alex works here already.
        using (var alex = await admin.PostAsJsonAsync("/api/practice/invitations", new { email = "  Alex@Riverside.test " }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, alex.StatusCode);
            Assert.Contains("alex@riverside.test already has an account in this practice, as a therapist: Alex Rivera. No invitation was sent.", await alex.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // A new colleague: invited once; the second try says the first is waiting.
        await admin.PostJsonAsync("/api/practice/invitations", new { email = "robin@riverside.test" }, HttpStatusCode.Created);
        using (var again = await admin.PostAsJsonAsync("/api/practice/invitations", new { email = "robin@riverside.test" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("An invitation to robin@riverside.test is already waiting", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // Someone with an account in another practice is invited like anyone new: nothing is said about them.
        await admin.PostJsonAsync("/api/practice/invitations", new { email = "lee@harbor.test" }, HttpStatusCode.Created);

        Assert.Equal(mailBefore + 2, await InvitationMailsAsync(app));
    }

    [Fact]
    public async Task The_admin_invites_a_client_who_joins_the_practice_and_then_their_therapists_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");

        // Sam is a client here already: said, not sent.
        using (var sam = await admin.PostAsJsonAsync("/api/practice/invitations", new { email = "sam@riverside.test", role = "Client" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, sam.StatusCode);
            Assert.Contains("sam@riverside.test already has an account in this practice, as a client: Sam Okafor. No invitation was sent.", await sam.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // A new client, invited from the People page as a browser posts it.
        using var pages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(pages, "admin@riverside.test"))
        {
        }

        using (var posted = await PageForms.SubmitAsync(pages, "/practice/people", "invite-person", new Dictionary<string, string> { ["InviteEmail"] = "quinn@example.test", ["InviteRole"] = "Client" }))
        {
            var said = await posted.Content.ReadAsStringAsync(Ct);
            Assert.Contains("The invitation to quinn@example.test is on its way, as a client.", said, StringComparison.Ordinal);
        }

        var pending = (await admin.GetJsonAsync("/api/practice/invitations")).EnumerateArray().Single(i => i.Str("email") == "quinn@example.test");
        Assert.Equal("Client", pending.Str("role"));
        Assert.False(pending.GetProperty("forEngagement").GetBoolean());
        var listed = await pages.GetStringAsync("/practice/people?status=invited&role=Client", Ct);
        Assert.Contains("quinn@example.test", listed, StringComparison.Ordinal);

        // The email says what it is for; the link makes a client account with nothing clinical in it yet.
        var token = "";
        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<OutboxMessage>().IgnoreQueryFilters().SingleAsync(m => m.Kind == "invitation" && m.To == "quinn@example.test", Ct);
            Assert.Contains("as a client. Your therapist then opens your shared space with you", mail.TextBody, StringComparison.Ordinal);
            var url = mail.TextBody.Split('\n').Single(l => l.Contains("/invitations/", StringComparison.Ordinal)).Trim();
            token = url[(url.LastIndexOf('/') + 1)..];
        });
        using (var anonymous = app.CreateAnonymousClient())
        {
            var accepted = await anonymous.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Quinn Park", password = NewClient.Password }, HttpStatusCode.Created);
            Assert.Equal(JsonValueKind.Null, accepted.GetProperty("engagementId").ValueKind);
        }

        using var quinn = await app.ClientForAsync("quinn@example.test", NewClient.Password);
        Assert.Empty((await quinn.GetJsonAsync("/api/engagements")).EnumerateArray());
        var people = await admin.GetJsonAsync("/api/practice/people?role=Client");
        Assert.Contains(people.EnumerateArray(), p => p.Str("email") == "quinn@example.test");

        // Alex starts the work and invites Quinn's address; Quinn, signed in, accepts and is in.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var engagement = (await alex.PostJsonAsync("/api/engagements", new { title = "Starting out", format = "ClientLed" }, HttpStatusCode.Created)).Id();
        var invite = (await alex.PostJsonAsync($"/api/engagements/{engagement}/invitations", new { email = "quinn@example.test" }, HttpStatusCode.Created)).Str("inviteUrl");
        await quinn.PostJsonAsync($"/api/invitations/{invite[(invite.LastIndexOf('/') + 1)..]}/accept", new { displayName = "Quinn Park", password = NewClient.Password }, HttpStatusCode.Created);
        Assert.Contains((await quinn.GetJsonAsync("/api/engagements")).EnumerateArray(), e => e.Id() == engagement);

        // A role that is neither is a 400 naming the field, and nothing is sent.
        using var odd = await admin.PostAsJsonAsync("/api/practice/invitations", new { email = "odd@example.test", role = "Administrator" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, odd.StatusCode);
        await app.WithDbAsync(async db => Assert.False(await db.Invitations.IgnoreQueryFilters().AnyAsync(i => i.Email == "odd@example.test", Ct)));
    }

    private static async Task<int> InvitationMailsAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await db.Set<OutboxMessage>().IgnoreQueryFilters().CountAsync(m => m.Kind == "invitation", Ct));
        return count;
    }
}
