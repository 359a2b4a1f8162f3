using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Engagements;
using Tandem.Features.Invitations;
using Tandem.IntegrationTests.Accounts;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Engagements;

/// <summary>
/// Issue 19, finding 3: only the practice admin adds staff. An engagement's invitation never makes a
/// therapist account; a co-therapist is chosen from the practice's active therapists, and the
/// engagement's clients see it happen.
/// </summary>
public sealed class CoTherapistTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_therapist_cannot_mint_a_staff_account_through_an_engagement_invitation()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");

        using var response = await alex.PostAsJsonAsync($"/api/engagements/{sams}/invitations", new { email = "mallory@example.test", role = "Therapist" }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"expected 422, got {(int)response.StatusCode}: {body}");
        Assert.Contains("co-therapist", body, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);

        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Invitations.AnyAsync(i => i.Email == "mallory@example.test", Ct));
            Assert.False(await db.Users.AnyAsync(u => u.Email == "mallory@example.test", Ct));
            Assert.False(await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().AnyAsync(m => m.To == "mallory@example.test", Ct));
        });
    }

    [Fact]
    public async Task An_engagement_invitation_for_a_therapist_made_before_the_fix_creates_no_account()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var alexId = await SignInTests.IdOf(app, "alex@riverside.test");
        string token = "";
        await app.WithDbAsync(async db =>
        {
            var engagement = await db.Engagements.SingleAsync(e => e.Id == sams, Ct);
            (var invitation, token) = Invitation.Create(engagement.PracticeId, sams, "mallory@example.test", ParticipantRole.Therapist, alexId, app.Clock.GetUtcNow());
            db.Invitations.Add(invitation);
            await db.SaveChangesAsync(Ct);
        });

        using var anonymous = app.CreateAnonymousClient();
        using var accept = await anonymous.PostAsJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Mallory", password = "tidepool lantern 77" }, Ct);
        Assert.True(accept.StatusCode is HttpStatusCode.Gone or HttpStatusCode.Conflict, $"got {(int)accept.StatusCode}");
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Users.AnyAsync(u => u.Email == "mallory@example.test", Ct));
            Assert.Equal(2, await db.Participants.CountAsync(p => p.EngagementId == sams && p.LeftAt == null, Ct));
        });
    }

    [Fact]
    public async Task A_co_therapist_is_chosen_from_the_practice_staff_and_the_clients_see_it()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var morganId = await SignInTests.IdOf(app, "morgan@riverside.test");
        var samId = await SignInTests.IdOf(app, "sam@riverside.test");
        var leeId = await SignInTests.IdOf(app, "lee@harbor.test");
        var adminId = await SignInTests.IdOf(app, "admin@riverside.test");

        // The candidates are the practice's active therapists who are not in the engagement yet.
        var candidates = await alex.GetJsonAsync($"/api/engagements/{sams}/therapists/candidates");
        var names = candidates.EnumerateArray().Select(c => c.Str("displayName")).ToList();
        Assert.Contains("Morgan Chen", names);
        Assert.DoesNotContain(candidates.EnumerateArray(), c => c.GetProperty("userId").GetGuid() is var id && (id == samId || id == leeId || id == adminId));

        // Not staff of this practice, not a therapist, made up: one answer, nothing changes.
        foreach (var id in new[] { samId, leeId, adminId, Guid.NewGuid() })
        {
            Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"/api/engagements/{sams}/therapists", new { userId = id }));
        }

        // Sam, a client, cannot add anyone; Morgan, not in the engagement, cannot add herself.
        using var sam = await app.ClientForAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfPostAsync($"/api/engagements/{sams}/therapists", new { userId = morganId }));
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await morgan.StatusOfPostAsync($"/api/engagements/{sams}/therapists", new { userId = morganId }));
        Assert.Equal(HttpStatusCode.NotFound, await morgan.StatusOfGetAsync($"/api/engagements/{sams}"));

        var added = await alex.PostJsonAsync($"/api/engagements/{sams}/therapists", new { userId = morganId }, HttpStatusCode.OK);
        Assert.Contains(added.GetProperty("participants").EnumerateArray(), p => p.GetProperty("userId").GetGuid() == morganId && p.Str("role") == "Therapist");
        Assert.Equal(HttpStatusCode.OK, await morgan.StatusOfGetAsync($"/api/engagements/{sams}"));

        // Sam sees it in the access log, in words, and is told by email (no names in the email).
        var log = await sam.GetJsonAsync($"/api/engagements/{sams}/access-log");
        Assert.Contains(log.EnumerateArray(), e => e.Str("sentence") == "Alex Rivera added Morgan Chen as a co-therapist");
        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().Where(m => m.To == "sam@riverside.test" && m.Kind == "co-therapist-added").ToListAsync(Ct);
            var one = Assert.Single(mail);
            Assert.DoesNotContain("Morgan", one.TextBody, StringComparison.Ordinal);
            Assert.Contains($"/engagements/{sams}", one.TextBody, StringComparison.Ordinal);
            Assert.False(await db.Users.AnyAsync(u => u.Email == "mallory@example.test", Ct));
        });

        // Adding the same person again changes nothing and tells nobody twice.
        await alex.PostJsonAsync($"/api/engagements/{sams}/therapists", new { userId = morganId }, HttpStatusCode.OK);
        await app.WithDbAsync(async db =>
            Assert.Equal(1, await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().CountAsync(m => m.To == "sam@riverside.test" && m.Kind == "co-therapist-added", Ct)));
    }

    [Fact]
    public async Task A_deactivated_therapist_cannot_be_added()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var morganId = await SignInTests.IdOf(app, "morgan@riverside.test");
        using (var admin = await app.ClientForAsync("admin@riverside.test"))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/practice/people/{morganId}/deactivate", null, Ct)).StatusCode);
        }

        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"/api/engagements/{sams}/therapists", new { userId = morganId }));
        var candidates = await alex.GetJsonAsync($"/api/engagements/{sams}/therapists/candidates");
        Assert.DoesNotContain(candidates.EnumerateArray(), c => c.GetProperty("userId").GetGuid() == morganId);
    }
}
