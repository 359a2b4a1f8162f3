using System.Net.Http.Json;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Engagements;

public sealed class InvitationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(Guid Engagement, string Token, string Url)> NewEngagementWithInviteAsync(TandemApp app, string email = "robin@example.test")
    {
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var engagement = await alex.PostJsonAsync("/api/engagements", new { title = "Robin's work", format = "ClientLed" }, HttpStatusCode.Created);
        Assert.Equal("Invited", engagement.Str("status"));
        var invite = await alex.PostJsonAsync($"/api/engagements/{engagement.Id()}/invitations", new { email }, HttpStatusCode.Created);
        var url = invite.Str("inviteUrl");
        return (engagement.Id(), url[(url.LastIndexOf('/') + 1)..], url);
    }

    [Fact]
    public async Task Invited_client_creates_an_account_joins_signs_and_the_engagement_becomes_active()
    {
        await using var app = await TandemApp.StartAsync();
        var (engagementId, token, _) = await NewEngagementWithInviteAsync(app);

        using var anonymous = app.CreateAnonymousClient();
        var accepted = await anonymous.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Robin Hale", password = "tidepool lantern 77" }, HttpStatusCode.Created);
        Assert.Equal(engagementId, accepted.GetProperty("engagementId").GetGuid());

        using var robin = await app.ClientForAsync("robin@example.test", "tidepool lantern 77");
        var me = await robin.GetJsonAsync("/api/me");
        Assert.Equal("Client", me.Str("role"));
        var view = await robin.GetJsonAsync($"/api/engagements/{engagementId}");
        Assert.False(view.GetProperty("allClientsSigned").GetBoolean());

        // Read-only until signed: the refusal says why.
        using var refused = await robin.PostAsJsonAsync($"/api/engagements/{engagementId}/format", new { format = "TherapistLed" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("sign the collaboration agreement", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var agreement = await robin.PostJsonAsync($"/api/engagements/{engagementId}/agreement/sign", null, HttpStatusCode.OK);
        Assert.True(agreement.GetProperty("signedByMe").GetBoolean());
        Assert.Equal(64, agreement.Str("versionHash").Length);
        var after = await robin.GetJsonAsync($"/api/engagements/{engagementId}");
        Assert.Equal("Active", after.Str("status"));

        using var alex = await app.ClientForAsync("alex@riverside.test");
        var seenByAlex = await alex.GetJsonAsync($"/api/engagements/{engagementId}");
        Assert.Contains(seenByAlex.GetProperty("participants").EnumerateArray(), p => p.Str("displayName") == "Robin Hale" && p.GetProperty("hasSigned").GetBoolean());

        // The signature records time, version hash and source address.
        await app.WithDbAsync(async db =>
        {
            var signature = await db.AgreementSignatures.SingleAsync(s => s.EngagementId == engagementId && s.UserId == me.Id(), Ct);
            Assert.Equal(agreement.Str("versionHash"), signature.VersionHash);
            Assert.False(string.IsNullOrEmpty(signature.SourceAddress));
        });
    }

    [Fact]
    public async Task A_used_token_cannot_be_used_again_and_changes_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var (_, token, _) = await NewEngagementWithInviteAsync(app);
        using var first = app.CreateAnonymousClient();
        await first.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Robin", password = "tidepool lantern 77" }, HttpStatusCode.Created);

        using var second = app.CreateAnonymousClient();
        var problem = await second.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Mallory", password = "another fine password 9" }, HttpStatusCode.Gone);
        Assert.Contains("already been used", problem.Str("title"), StringComparison.Ordinal);
        await app.WithDbAsync(async db => Assert.Equal("Robin", (await db.Users.SingleAsync(u => u.Email == "robin@example.test", Ct)).DisplayName));
    }

    [Fact]
    public async Task An_expired_token_is_refused_after_7_days_and_creates_no_account()
    {
        await using var app = await TandemApp.StartAsync();
        var (engagementId, token, _) = await NewEngagementWithInviteAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        using var client = app.CreateAnonymousClient();
        var problem = await client.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Robin", password = "tidepool lantern 77" }, HttpStatusCode.Gone);
        Assert.Contains("expired", problem.Str("title"), StringComparison.Ordinal);
        await AssertNoAccountAndNoParticipationAsync(app, engagementId);
    }

    [Fact]
    public async Task A_forged_token_is_refused_and_changes_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var (engagementId, token, _) = await NewEngagementWithInviteAsync(app);
        var forged = token[..^4] + "AAAA";

        using var client = app.CreateAnonymousClient();
        var problem = await client.PostJsonAsync($"/api/invitations/{forged}/accept", new { displayName = "Robin", password = "tidepool lantern 77" }, HttpStatusCode.NotFound);
        Assert.Contains("not valid", problem.Str("title"), StringComparison.Ordinal);
        await AssertNoAccountAndNoParticipationAsync(app, engagementId);
    }

    [Fact]
    public async Task A_token_for_another_email_is_refused_for_a_signed_in_person()
    {
        await using var app = await TandemApp.StartAsync();
        var (engagementId, token, _) = await NewEngagementWithInviteAsync(app);

        using var sam = await app.ClientForAsync("sam@riverside.test");
        var problem = await sam.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Sam", password = "whatever password 1" }, HttpStatusCode.Conflict);
        Assert.Contains("different email address", problem.Str("title"), StringComparison.Ordinal);
        await AssertNoAccountAndNoParticipationAsync(app, engagementId);
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfGetAsync($"/api/engagements/{engagementId}"));
    }

    [Fact]
    public async Task Tokens_are_stored_hashed_and_the_invitation_email_carries_the_link_but_nothing_clinical()
    {
        await using var app = await TandemApp.StartAsync();
        var (_, token, url) = await NewEngagementWithInviteAsync(app);
        await app.WithDbAsync(async db =>
        {
            var invitation = await db.Invitations.SingleAsync(i => i.Email == "robin@example.test", Ct);
            Assert.NotEqual(token, invitation.TokenHash);
            Assert.Equal(64, invitation.TokenHash.Length);
            var mail = await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().SingleAsync(m => m.To == "robin@example.test", Ct);
            Assert.Contains(url, mail.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Robin's work", mail.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Alex", mail.TextBody, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Weak_passwords_and_missing_names_are_refused_without_consuming_the_invitation()
    {
        await using var app = await TandemApp.StartAsync();
        var (engagementId, token, _) = await NewEngagementWithInviteAsync(app);
        using var client = app.CreateAnonymousClient();
        await client.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Robin", password = "1qaz2wsx3edc" }, HttpStatusCode.UnprocessableEntity);
        await client.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "", password = "tidepool lantern 77" }, HttpStatusCode.BadRequest);
        await AssertNoAccountAndNoParticipationAsync(app, engagementId);
        await client.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Robin", password = "tidepool lantern 77" }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Only_the_engagements_therapists_can_invite()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfPostAsync($"/api/engagements/{sams}/invitations", new { email = "friend@example.test" }));
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await morgan.StatusOfPostAsync($"/api/engagements/{sams}/invitations", new { email = "friend@example.test" }));
    }

    private static async Task AssertNoAccountAndNoParticipationAsync(TandemApp app, Guid engagementId) =>
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Users.AnyAsync(u => u.Email == "robin@example.test", Ct));
            Assert.Equal(1, await db.Participants.CountAsync(p => p.EngagementId == engagementId, Ct));
            Assert.Null((await db.Invitations.SingleAsync(i => i.EngagementId == engagementId, Ct)).AcceptedAt);
        });
}
