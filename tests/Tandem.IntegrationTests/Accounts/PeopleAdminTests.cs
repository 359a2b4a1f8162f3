using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 21, practice admin: People is searched, filtered and sorted from the query string (so
/// the admin home's counts can link to it); pending invitations are listed and can be resent
/// (a new link, the old one dead) or cancelled; the admin home's summary counts what needs a look.
/// </summary>
public sealed class PeopleAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task People_are_searched_filtered_and_sorted_from_the_query_string()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");

        var alex = await admin.GetJsonAsync("/api/practice/people?search=ALEX");
        Assert.Equal(["Alex Rivera"], Names(alex));

        var clients = await admin.GetJsonAsync("/api/practice/people?role=Client&sort=name");
        var names = Names(clients);
        Assert.Equal(5, names.Count);
        Assert.Equal(names.Order(StringComparer.Ordinal).ToList(), names);
        Assert.All(clients.EnumerateArray(), p => Assert.Equal("Client", p.Str("role")));

        var casey = (await admin.GetJsonAsync("/api/practice/people?search=casey@")).EnumerateArray().Single().Id();
        await admin.PostJsonAsync($"/api/practice/people/{casey}/deactivate", null, HttpStatusCode.NoContent);
        Assert.Equal(["Casey Nguyen"], Names(await admin.GetJsonAsync("/api/practice/people?status=deactivated")));
        Assert.DoesNotContain("Casey Nguyen", Names(await admin.GetJsonAsync("/api/practice/people?status=active&role=Client")));

        var newestFirst = Names(await admin.GetJsonAsync("/api/practice/people?sort=created"));
        Assert.Equal(8, newestFirst.Count);

        using var unknownSort = await admin.GetAsync("/api/practice/people?sort=shoe-size", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownSort.StatusCode);
        Assert.Contains("sort is one of: name, role, created, active.", await unknownSort.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pending_invitation_is_resent_with_a_new_link_and_can_be_cancelled()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var first = await admin.PostJsonAsync("/api/practice/invitations", new { email = "robin@riverside.test" }, HttpStatusCode.Created);
        var oldToken = TokenOf(first.Str("inviteUrl"));

        // A client invited by a therapist to an engagement is listed too, with who invited them.
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            var engagement = await alex.PostJsonAsync("/api/engagements", new { title = "New work", format = "ClientLed" }, HttpStatusCode.Created);
            await alex.PostJsonAsync($"/api/engagements/{engagement.Id()}/invitations", new { email = "pat@example.test" }, HttpStatusCode.Created);
        }

        var pending = await admin.GetJsonAsync("/api/practice/invitations");
        var robin = pending.EnumerateArray().Single(i => i.Str("email") == "robin@riverside.test");
        Assert.Equal("Therapist", robin.Str("role"));
        var pat = pending.EnumerateArray().Single(i => i.Str("email") == "pat@example.test");
        Assert.Equal("Client", pat.Str("role"));
        Assert.Equal("Alex Rivera", pat.Str("invitedBy"));

        var mailsBefore = await InvitationMailsAsync(app);
        var resent = await admin.PostJsonAsync($"/api/practice/invitations/{robin.Id()}/resend", null, HttpStatusCode.OK);
        var newToken = TokenOf(resent.Str("inviteUrl"));
        Assert.NotEqual(oldToken, newToken);
        Assert.Equal(mailsBefore + 1, await InvitationMailsAsync(app));

        using var anonymous = app.CreateAnonymousClient();
        var account = new { displayName = "Robin Vale", password = "tidepool lantern 77" };
        using (var old = await anonymous.PostAsJsonAsync($"/api/invitations/{oldToken}/accept", account, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        }

        await admin.PostJsonAsync($"/api/practice/invitations/{robin.Id()}/cancel", null, HttpStatusCode.NoContent);
        using (var cancelled = await anonymous.PostAsJsonAsync($"/api/invitations/{newToken}/accept", account, Ct))
        {
            Assert.Equal(HttpStatusCode.Gone, cancelled.StatusCode);
            Assert.Contains("withdrawn", await cancelled.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.DoesNotContain((await admin.GetJsonAsync("/api/practice/invitations")).EnumerateArray(), i => i.Str("email") == "robin@riverside.test");

        // Another practice's admin finds nothing to resend or cancel.
        using (var harbor = await app.ClientForAsync("admin@harbor.test"))
        {
            Assert.Equal(HttpStatusCode.NotFound, await harbor.StatusOfPostAsync($"/api/practice/invitations/{pat.Id()}/resend"));
            Assert.Equal(HttpStatusCode.NotFound, await harbor.StatusOfPostAsync($"/api/practice/invitations/{pat.Id()}/cancel"));
        }

        await app.WithDbAsync(async db =>
        {
            var kinds = await db.AuditEntries.Where(e => e.ObjectId == robin.Id().ToString()).Select(e => e.ObjectType).ToListAsync(Ct);
            Assert.Contains("Invitation.Resent", kinds);
            Assert.Contains("Invitation.Cancelled", kinds);
        });
    }

    [Fact]
    public async Task The_admin_summary_counts_people_invitations_mail_and_security_events_needing_a_look()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        await admin.PostJsonAsync("/api/practice/invitations", new { email = "robin@riverside.test" }, HttpStatusCode.Created);

        var summary = await admin.GetJsonAsync("/api/practice/summary");
        Assert.Equal(2, summary.GetProperty("therapists").GetInt32());
        Assert.Equal(5, summary.GetProperty("clients").GetInt32());
        Assert.Equal(0, summary.GetProperty("deactivated").GetInt32());
        Assert.Equal(1, summary.GetProperty("pendingInvitations").GetInt32());
        Assert.Equal(0, summary.GetProperty("mailProblems").GetInt32());
        Assert.Equal(0, summary.GetProperty("securityEventsToLookAt").GetInt32());

        // Someone guesses Jordan's password until sign-in slows down: that needs a look.
        using (var stranger = app.CreateClientFrom("203.0.113.9"))
        {
            for (var i = 0; i < 5; i++)
            {
                using var guess = await stranger.PostAsJsonAsync("/api/auth/login", new { email = "jordan@riverside.test", password = $"guess-number-{i}" }, Ct);
                Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
            }
        }

        summary = await admin.GetJsonAsync("/api/practice/summary");
        Assert.Equal(1, summary.GetProperty("securityEventsToLookAt").GetInt32());
        var look = await admin.GetJsonAsync("/api/practice/security-log?needsLook=true");
        var entry = Assert.Single(look.EnumerateArray());
        Assert.Contains("slowed down", entry.Str("event"), StringComparison.Ordinal);

        // A week later it no longer counts.
        app.Clock.Advance(TimeSpan.FromDays(8));
        using var again = await app.ClientForAsync("admin@riverside.test");
        Assert.Equal(0, (await again.GetJsonAsync("/api/practice/summary")).GetProperty("securityEventsToLookAt").GetInt32());

        // Only the admin asks.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.True(await alex.StatusOfGetAsync("/api/practice/summary") is HttpStatusCode.Forbidden or HttpStatusCode.NotFound);
    }

    private static List<string> Names(JsonElement people) => people.EnumerateArray().Select(p => p.Str("displayName")).ToList();

    private static string TokenOf(string url) => url[(url.LastIndexOf('/') + 1)..];

    private static async Task<int> InvitationMailsAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await db.Set<OutboxMessage>().IgnoreQueryFilters().CountAsync(m => m.Kind == "invitation", Ct));
        return count;
    }
}
