using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

/// <summary>Issue 24: a signal that the work is off track opens a shared review; both sides fill it in; what they agree becomes a proposal.</summary>
public sealed class OffTrackReviewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Four PHQ-9s of 16 (each item 2): no reliable improvement, at caseness, and no curve yet, so the fixed rule fires.</summary>
    private static async Task NotOnTrackAsync(HttpClient client, Guid engagement)
    {
        for (var i = 0; i < 4; i++)
        {
            await client.PostJsonAsync($"/api/engagements/{engagement}/responses", MeasureRequests.Phq9(each: 2), HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task A_not_on_track_signal_opens_a_review_both_sides_fill_it_in_and_an_agreement_becomes_a_proposal()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var _ = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");

        // Three measurements: nothing yet. The fourth fires "not on track" and opens the review.
        for (var i = 0; i < 3; i++)
        {
            await robin.PostJsonAsync($"/api/engagements/{id}/responses", MeasureRequests.Phq9(each: 2), HttpStatusCode.Created);
        }

        Assert.Empty((await robin.GetJsonAsync($"/api/engagements/{id}/reviews")).EnumerateArray());
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", MeasureRequests.Phq9(each: 2), HttpStatusCode.Created);
        var opened = Assert.Single((await robin.GetJsonAsync($"/api/engagements/{id}/reviews")).EnumerateArray());
        Assert.Equal(("NotOnTrack", "Open"), (opened.Str("trigger"), opened.Str("state")));
        var review = opened.Id();
        var path = $"/api/engagements/{id}/reviews/{review}";
        var alert = (await alex.GetJsonAsync("/api/alerts")).EnumerateArray().Single(a => a.GetProperty("engagementId").GetGuid() == id && a.Str("kind") == "NotOnTrack");
        Assert.Contains("Fixed rule", alert.Str("rule"), StringComparison.Ordinal);

        // Another signal while it is open opens no second review.
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", MeasureRequests.Phq9(each: 2), HttpStatusCode.Created);
        Assert.Single((await alex.GetJsonAsync($"/api/engagements/{id}/reviews")).EnumerateArray());

        // The client answers; the therapist does not see those answers until their own side is in.
        var afterClient = await robin.PostJsonAsync($"{path}/client", new { planFit = "The goals still fit.", pace = "A bit fast.", life = "Work is heavy this month.", support = "" }, HttpStatusCode.OK);
        Assert.Equal("A bit fast.", afterClient.GetProperty("client").Str("pace"));
        Assert.Equal(JsonValueKindNull, (await alex.GetJsonAsync(path)).GetProperty("client").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, await robin.StatusOfPostAsync($"{path}/client", new { planFit = "Again" }));
        Assert.Equal(HttpStatusCode.Conflict, await robin.StatusOfPostAsync($"{path}/decline"));

        var done = await alex.PostJsonAsync($"{path}/therapist", new { alliance = "We agree on the goals.", approach = "A slower pace, one thing at a time." }, HttpStatusCode.OK);
        Assert.Equal("Completed", done.Str("state"));
        Assert.Equal("Work is heavy this month.", done.GetProperty("client").Str("life"));
        var seenByClient = await robin.GetJsonAsync(path);
        Assert.Equal("A slower pace, one thing at a time.", seenByClient.GetProperty("therapist").Str("approach"));
        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"{path}/therapist", new { alliance = "Again" }));

        // What they agreed becomes a normal plan proposal: the client proposes, the therapist accepts (therapist-led).
        var proposal = await robin.PostJsonAsync($"{path}/proposal", new { kind = "SetFocus", text = "One thing at a time, at a slower pace" }, HttpStatusCode.Created);
        Assert.Equal("Pending", proposal.Str("status"));
        Assert.Contains("how the work is going", proposal.Str("reason"), StringComparison.Ordinal);
        var accepted = await alex.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", new { }, HttpStatusCode.OK);
        Assert.Equal("Applied", accepted.Str("status"));
        Assert.Equal("One thing at a time, at a slower pace", (await robin.GetJsonAsync($"/api/engagements/{id}/plan")).Str("focus"));

        // Audited, and in the client's access log in plain words.
        await app.WithDbAsync(async db =>
        {
            var key = review.ToString();
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "OffTrackReview" && e.ObjectId == key && e.Action == AuditAction.Create, Ct));
            Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.ObjectType == "OffTrackReview" && e.ObjectId == key && e.Action == AuditAction.Update, Ct));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "OffTrackReview" && e.ObjectId == key && e.Action == AuditAction.Read, Ct));
        });
        var log = (await robin.GetJsonAsync($"/api/engagements/{id}/access-log")).EnumerateArray().Select(e => e.Str("sentence")).ToList();
        Assert.Contains(log, s => s.StartsWith("Alex", StringComparison.Ordinal) && s.EndsWith("opened the check-in on how the work is going", StringComparison.Ordinal));
        Assert.Contains(log, s => s.StartsWith("Alex", StringComparison.Ordinal) && s.EndsWith("changed the check-in on how the work is going", StringComparison.Ordinal));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task The_client_can_decline_and_nobody_outside_the_engagement_sees_the_review()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var _ = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await NotOnTrackAsync(robin, id);
        var review = (await robin.GetJsonAsync($"/api/engagements/{id}/reviews"))[0].Id();
        var path = $"/api/engagements/{id}/reviews/{review}";

        foreach (var outsider in new[] { "morgan@riverside.test", "sam@riverside.test", "lee@harbor.test" })
        {
            using var other = await app.ClientForAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfGetAsync(path));
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfPostAsync($"{path}/therapist", new { alliance = "x" }));
        }

        // The therapist cannot decline for the client, nor fill in the client's side.
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"{path}/decline"));
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"{path}/client", new { planFit = "x" }));
        // Nothing written is refused with a sentence.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await robin.StatusOfPostAsync($"{path}/client", new { planFit = " " }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await robin.StatusOfPostAsync($"{path}/client", new { planFit = new string('a', 1001) }));

        var declined = await robin.PostJsonAsync($"{path}/decline", null, HttpStatusCode.OK);
        Assert.Equal("ClientDeclined", declined.Str("state"));
        Assert.Equal(HttpStatusCode.Conflict, await robin.StatusOfPostAsync($"{path}/client", new { planFit = "Changed my mind" }));
        // The therapist may still write their side; the review stays "declined", not completed.
        var therapistSide = await alex.PostJsonAsync($"{path}/therapist", new { motivation = "Robin may want a break." }, HttpStatusCode.OK);
        Assert.Equal("ClientDeclined", therapistSide.Str("state"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, therapistSide.GetProperty("clientDeclinedAt").ValueKind);
    }

    [Fact]
    public async Task A_collaboration_check_drop_opens_a_review_too()
    {
        await using var app = await TandemApp.StartAsync();
        var (id, robin) = await NewClient.JoinAsync(app);
        using var _ = robin;

        // Any item at 1 or below is a collaboration concern.
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", MeasureRequests.Collaboration("collaboration-check", 1), HttpStatusCode.Created);

        var review = Assert.Single((await robin.GetJsonAsync($"/api/engagements/{id}/reviews")).EnumerateArray());
        Assert.Equal(("CollaborationDrop", "Open"), (review.Str("trigger"), review.Str("state")));
    }
}
