using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Engagements;

/// <summary>
/// Issue 19, finding 8: inviting an address that already has a Tandem account in another practice answers
/// exactly like inviting a new address (the answer, the invitation page anyone holding the link sees, the
/// work done); only the invitee's own email, and the outcome of really accepting, say more.
/// </summary>
public sealed class CrossPracticeInvitationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Elsewhere = "kim@harbor.test";

    [Fact]
    public async Task Inviting_someone_with_an_account_in_another_practice_looks_like_inviting_a_new_address()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var engagement = (await alex.PostJsonAsync("/api/engagements", new { title = "Probe", format = "ClientLed" }, HttpStatusCode.Created)).Id();

        var known = await alex.PostJsonAsync($"/api/engagements/{engagement}/invitations", new { email = Elsewhere }, HttpStatusCode.Created);
        var fresh = await alex.PostJsonAsync($"/api/engagements/{engagement}/invitations", new { email = "brand-new@example.test" }, HttpStatusCode.Created);
        Assert.Equal(Names(fresh), Names(known));

        // The invitation page, as the inviter (or anyone holding the link) sees it: the same, but for the address and the link.
        using var anonymous = app.CreateAnonymousClient();
        var knownPage = await PageAsync(anonymous, known.Str("inviteUrl"), Elsewhere);
        var freshPage = await PageAsync(anonymous, fresh.Str("inviteUrl"), "brand-new@example.test");
        Assert.Equal(freshPage, knownPage);

        // The same rules answer the same way: a weak password is refused alike.
        using (var weakKnown = await anonymous.PostAsJsonAsync($"/api/invitations/{Token(known)}/accept", new { displayName = "Kim", password = "1qaz2wsx3edc" }, Ct))
        using (var weakFresh = await anonymous.PostAsJsonAsync($"/api/invitations/{Token(fresh)}/accept", new { displayName = "Kim", password = "1qaz2wsx3edc" }, Ct))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, weakKnown.StatusCode);
            Assert.Equal(Strip(await weakFresh.Content.ReadAsStringAsync(Ct)), Strip(await weakKnown.Content.ReadAsStringAsync(Ct)));
        }

        // Accepting for the address that has an account changes nothing and tells its owner, privately.
        var accepted = await anonymous.PostJsonAsync($"/api/invitations/{Token(known)}/accept", new { displayName = "Someone", password = "tidepool lantern 77" }, HttpStatusCode.Accepted);
        Assert.True(accepted.GetProperty("emailSent").GetBoolean());
        await app.WithDbAsync(async db =>
        {
            var kim = await db.Users.SingleAsync(u => u.Email == Elsewhere, Ct);
            Assert.NotEqual("Someone", kim.DisplayName);
            Assert.False(await db.Participants.AnyAsync(p => p.EngagementId == engagement && p.UserId == kim.Id, Ct));
            Assert.Null((await db.Invitations.SingleAsync(i => i.Email == Elsewhere, Ct)).AcceptedAt);
            var mails = await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().Where(m => m.To == Elsewhere).OrderBy(m => m.CreatedAt).ToListAsync(Ct);
            Assert.Equal(2, mails.Count);
            Assert.All(mails, m => Assert.Equal("You're invited to Tandem", m.Subject));
            // The test's clock stands still, so both mails can carry the same time: found by what they say, not their order.
            Assert.Single(mails, m => m.TextBody.Contains("already has a Tandem account", StringComparison.Ordinal)
                && !m.TextBody.Contains("nothing was created or changed", StringComparison.Ordinal));
            Assert.Single(mails, m => m.TextBody.Contains("nothing was created or changed", StringComparison.Ordinal));
            var freshMail = await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().SingleAsync(m => m.To == "brand-new@example.test", Ct);
            Assert.Equal("You're invited to Tandem", freshMail.Subject);
            Assert.DoesNotContain("already has", freshMail.TextBody, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Accepting_costs_the_same_time_whether_or_not_the_address_has_an_account()
    {
        // At the production iteration count: both paths hash a password once, and that hash is what makes them alike.
        await using var app = await TandemApp.StartAsync(settings: new() { [Tandem.Infrastructure.Security.PasswordHashing.IterationsKey] = null });
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var engagement = (await alex.PostJsonAsync("/api/engagements", new { title = "Timing", format = "ClientLed" }, HttpStatusCode.Created)).Id();
        var known = Token(await alex.PostJsonAsync($"/api/engagements/{engagement}/invitations", new { email = Elsewhere }, HttpStatusCode.Created));
        const int Tries = 6;
        var freshTokens = new List<string>();
        for (var i = 0; i < Tries + 1; i++)
        {
            freshTokens.Add(Token(await alex.PostJsonAsync($"/api/engagements/{engagement}/invitations", new { email = $"new-{i}@example.test" }, HttpStatusCode.Created)));
        }

        async Task<double> AcceptAsync(string token)
        {
            using var client = app.CreateAnonymousClient();
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Timing", password = "tidepool lantern 77" }, Ct);
            clock.Stop();
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"{(int)response.StatusCode}");
            return clock.Elapsed.TotalMilliseconds;
        }

        await AcceptAsync(freshTokens[^1]); // warm-up
        var existing = new List<double>();
        var created = new List<double>();
        for (var i = 0; i < Tries; i++)
        {
            existing.Add(await AcceptAsync(known));
            created.Add(await AcceptAsync(freshTokens[i]));
        }

        var (a, b) = (Median(existing), Median(created));
        Figures.Print($"invitation accept timing (median of {Tries}): address with an account elsewhere {a:0} ms, new address {b:0} ms");
        Assert.True(Math.Max(a, b) / Math.Min(a, b) <= 2.0, $"medians {a:0} ms and {b:0} ms differ more than 2x");
    }

    private static string Token(JsonElement invite) => invite.Str("inviteUrl").Split('/').Last();

    private static IEnumerable<string> Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).Order();

    private static string Strip(string problem) => System.Text.RegularExpressions.Regex.Replace(problem, "\"traceId\":\"[^\"]*\"", "");

    private static async Task<string> PageAsync(HttpClient client, string url, string email)
    {
        var path = new Uri(url).AbsolutePath;
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        // Only the address and the link differ; antiforgery tokens and the framework's protected component state differ per page.
        html = html.Replace(email, "EMAIL", StringComparison.Ordinal).Replace(path.Split('/').Last(), "TOKEN", StringComparison.Ordinal);
        html = System.Text.RegularExpressions.Regex.Replace(html, "name=\"__RequestVerificationToken\" value=\"[^\"]+\"", "");
        return System.Text.RegularExpressions.Regex.Replace(html, "<!--Blazor-Server-Component-State:[^-]*-->", "");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
