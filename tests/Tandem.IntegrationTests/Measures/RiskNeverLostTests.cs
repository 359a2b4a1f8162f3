using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Measures;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

/// <summary>
/// Issue 18 (2, 9): every path a PHQ-9 with item 9 above 0 can take ends with the person shown the
/// crisis information and a therapist (or, when none is active, the practice admin) told, in
/// Tandem and by email at once. Idempotency keys are the sender's own.
/// </summary>
public sealed class RiskNeverLostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_persons_idempotency_key_never_refuses_my_answers()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var jordans = await Demo.JordansEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        const string Key = "my-phone-retry-1";

        var (samStatus, _) = await SendAsync(sam, sams, MeasureRequests.Phq9(1), Key);
        var (jordanStatus, jordanBody) = await SendAsync(jordan, jordans, MeasureRequests.Phq9(each: 1, item9: 3), Key);
        Assert.Equal(HttpStatusCode.Created, samStatus);
        Assert.Equal(HttpStatusCode.Created, jordanStatus);
        Assert.Contains("risk", jordanBody.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.False(string.IsNullOrWhiteSpace(jordanBody.Str("crisisInformation")));
    }

    [Fact]
    public async Task A_changed_resubmission_with_the_same_key_is_refused_but_its_risk_answer_still_reaches_the_therapist_and_the_person()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");
        const string Key = "form-after-back";

        var (first, _) = await SendAsync(robin, id, MeasureRequests.Phq9(each: 1, item9: 0), Key);
        Assert.Equal(HttpStatusCode.Created, first);

        // A changed answer without risk: refused as the idempotency draft says (422), nothing stored, nobody alerted.
        var (changed, changedBody) = await SendAsync(robin, id, MeasureRequests.Phq9(each: 2, item9: 0), Key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed);
        Assert.False(changedBody.TryGetProperty("crisisInformation", out _));
        Assert.Empty(await RiskAlertsAsync(alex, id));

        // The same key after pressing Back, now with item 9 = 3: still refused, but the crisis information is shown and Alex is told.
        var (risky, riskyBody) = await SendAsync(robin, id, MeasureRequests.Phq9(each: 1, item9: 3), Key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, risky);
        Assert.Contains("Your therapist has been told", riskyBody.Str("crisisInformation"), StringComparison.Ordinal);
        Assert.Equal(["risk"], riskyBody.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToArray());
        var alert = Assert.Single(await RiskAlertsAsync(alex, id));
        Assert.Contains("Nearly every day", alert.Str("rule"), StringComparison.Ordinal);
        Assert.Contains("not saved", alert.Str("rule"), StringComparison.Ordinal);

        await app.WithDbAsync(async db =>
        {
            Assert.Equal(1, await db.Set<MeasureResponse>().CountAsync(r => r.EngagementId == id, Ct));
            var alertId = alert.Id().ToString();
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "MeasureAlert" && e.ObjectId == alertId && e.Action == AuditAction.Create && e.EngagementId == id, Ct));
            var mail = await db.Set<OutboxMessage>().Where(m => m.Kind == RiskAlerting.MailKind).ToListAsync(Ct);
            var toAlex = Assert.Single(mail);
            Assert.Equal("alex@riverside.test", toAlex.To);
            Assert.DoesNotContain("Robin", toAlex.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Nearly", toAlex.TextBody, StringComparison.Ordinal);
            Assert.Contains("/alerts", toAlex.TextBody, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_risk_answer_in_an_incomplete_submission_is_alerted_at_once_and_the_completed_one_completes_that_alert()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");

        var incomplete = new { instrumentId = "phq-9", answers = new object[] { new { linkId = "44250-9", value = 2 }, new { linkId = "44260-8", value = 2 } } };
        var (status, body) = await SendAsync(robin, id, incomplete, key: null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("44255-8", out _));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("crisisInformation")));
        Assert.Single(await RiskAlertsAsync(alex, id));

        // Completed a minute later: saved, still flagged, and the same alert now points to the saved answers (not a second alert).
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var (saved, savedBody) = await SendAsync(robin, id, MeasureRequests.Phq9(each: 1, item9: 2), key: null);
        Assert.Equal(HttpStatusCode.Created, saved);
        Assert.Contains("risk", savedBody.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var alert = Assert.Single(await RiskAlertsAsync(alex, id));
        Assert.Contains("then sent again and saved", alert.Str("rule"), StringComparison.Ordinal);
        await app.WithDbAsync(async db => Assert.Equal(savedBody.Id(), (await db.Set<MeasureAlert>().SingleAsync(a => a.EngagementId == id, Ct)).ResponseId));
    }

    [Fact]
    public async Task When_no_therapist_of_the_engagement_is_active_the_practice_admin_is_told_and_the_person_is_told_so()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app, therapistEmail: "morgan@riverside.test");
        using var robinClient = robin;
        var morganId = await Accounts.SignInTests.IdOf(app, "morgan@riverside.test");
        using (var admin = await app.ClientForAsync("admin@riverside.test"))
        using (var deactivated = await admin.PostAsync($"/api/practice/people/{morganId}/deactivate", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deactivated.StatusCode);
        }

        var (status, body) = await SendAsync(robin, id, MeasureRequests.Phq9(each: 0, item9: 1), key: null);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Contains("Your practice has been told", body.Str("crisisInformation"), StringComparison.Ordinal);
        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<OutboxMessage>().Where(m => m.Kind == RiskAlerting.MailKind).ToListAsync(Ct);
            Assert.Equal(["admin@riverside.test"], mail.Select(m => m.To).ToArray());
        });
    }

    [Fact]
    public async Task A_risk_answer_sent_to_an_ended_engagement_is_refused_and_still_alerted()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var robinClient = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.PostJsonAsync($"/api/engagements/{id}/end", null, HttpStatusCode.OK);

        var (status, body) = await SendAsync(robin, id, MeasureRequests.Phq9(each: 1, item9: 1), key: null);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.False(string.IsNullOrWhiteSpace(body.Str("crisisInformation")));
        Assert.Single(await RiskAlertsAsync(alex, id));
    }

    private static async Task<List<JsonElement>> RiskAlertsAsync(HttpClient therapist, Guid engagementId) =>
        (await therapist.GetJsonAsync("/api/alerts")).EnumerateArray()
            .Where(a => a.Str("kind") == "Risk" && a.GetProperty("engagementId").GetGuid() == engagementId).ToList();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, Guid engagementId, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/engagements/{engagementId}/responses") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }
}
