using System.Net.Http.Json;
using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Plans;

public sealed class PlanProposalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_led_Sams_goal_applies_at_once_and_Alexs_waits_until_Sam_accepts()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");

        var mine = await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "Cook a proper meal twice a week", whyItMatters = "Looking after myself" }, HttpStatusCode.Created);
        Assert.Equal("Applied", mine.Str("status"));
        var plan = await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        var goal = plan.GetProperty("goals").EnumerateArray().Single(g => g.Str("text") == "Cook a proper meal twice a week");
        Assert.Equal("Agreed", goal.Str("status"));

        var alexs = await alex.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "Write three lines in a journal each evening" }, HttpStatusCode.Created);
        Assert.Equal("Pending", alexs.Str("status"));
        Assert.DoesNotContain((await sam.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("goals").EnumerateArray(), g => g.Str("text").StartsWith("Write three", StringComparison.Ordinal));

        await sam.PostJsonAsync($"/api/proposals/{alexs.Id()}/accept", new { comment = "Worth a try" }, HttpStatusCode.OK);
        var after = await sam.GetJsonAsync($"/api/engagements/{sams}/plan");
        Assert.Equal("Agreed", after.GetProperty("goals").EnumerateArray().Single(g => g.Str("text").StartsWith("Write three", StringComparison.Ordinal)).Str("status"));
    }

    [Fact]
    public async Task Therapist_led_Jordans_proposal_waits_for_Alex()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");

        var proposal = await jordan.PostJsonAsync($"/api/engagements/{jordans}/proposals", new { kind = "AddQuestion", text = "Why do Sundays feel so long?" }, HttpStatusCode.Created);
        Assert.Equal("Pending", proposal.Str("status"));
        Assert.Contains("Alex Rivera", proposal.GetProperty("waitingFor").EnumerateArray().Select(w => w.GetString()));
        Assert.DoesNotContain((await jordan.GetJsonAsync($"/api/engagements/{jordans}/plan")).GetProperty("openQuestions").EnumerateArray(), q => q.Str("text").StartsWith("Why do Sundays", StringComparison.Ordinal));

        await alex.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", null, HttpStatusCode.OK);
        Assert.Contains((await jordan.GetJsonAsync($"/api/engagements/{jordans}/plan")).GetProperty("openQuestions").EnumerateArray(), q => q.Str("text") == "Why do Sundays feel so long?");
    }

    [Fact]
    public async Task The_couples_goal_is_agreed_only_when_both_Riley_and_Avery_agree()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");

        var proposal = await morgan.PostJsonAsync($"/api/engagements/{couple}/proposals", new { kind = "AddGoal", text = "Take turns choosing the weekend plan" }, HttpStatusCode.Created);
        await riley.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", null, HttpStatusCode.OK);
        var half = await riley.GetJsonAsync($"/api/engagements/{couple}/plan");
        Assert.DoesNotContain(half.GetProperty("goals").EnumerateArray(), g => g.Str("text") == "Take turns choosing the weekend plan");

        await avery.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", null, HttpStatusCode.OK);
        var both = await riley.GetJsonAsync($"/api/engagements/{couple}/plan");
        Assert.Equal("Agreed", both.GetProperty("goals").EnumerateArray().Single(g => g.Str("text") == "Take turns choosing the weekend plan").Str("status"));

        // A client's goal in the therapist-led couple: Morgan accepts, but it stays Proposed until Avery agrees too.
        var rileys = await riley.PostJsonAsync($"/api/engagements/{couple}/proposals", new { kind = "AddGoal", text = "Say sorry sooner" }, HttpStatusCode.Created);
        await morgan.PostJsonAsync($"/api/proposals/{rileys.Id()}/accept", null, HttpStatusCode.OK);
        var goal = (await avery.GetJsonAsync($"/api/engagements/{couple}/plan")).GetProperty("goals").EnumerateArray().Single(g => g.Str("text") == "Say sorry sooner");
        Assert.Equal("Proposed", goal.Str("status"));
        Assert.Equal(["Avery Brooks"], goal.GetProperty("waitingFor").EnumerateArray().Select(w => w.GetString()!).ToArray());
        await avery.PostJsonAsync($"/api/engagements/{couple}/goals/{goal.Id()}/agree", null, HttpStatusCode.OK);
        Assert.Equal("Agreed", (await avery.GetJsonAsync($"/api/engagements/{couple}/plan")).GetProperty("goals").EnumerateArray().Single(g => g.Id() == goal.Id()).Str("status"));
    }

    [Fact]
    public async Task History_shows_every_version_with_author_time_and_diff_and_declined_proposals_stay()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");

        var plan = await sam.GetJsonAsync($"/api/engagements/{sams}/plan");
        var oldFocus = plan.Str("focus");
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/engagements/{sams}/plan") { Content = JsonContent.Create(new { focus = "Feeling steady, one week at a time." }) };
        put.Headers.TryAddWithoutValidation("If-Match", plan.GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (var response = await sam.SendAsync(put, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var declined = await alex.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "SetFocus", text = "Sleep first, everything else later.", reason = "A suggestion" }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/proposals/{declined.Id()}/decline", new { comment = "Not how I see it" }, HttpStatusCode.OK);

        var history = await sam.GetJsonAsync($"/api/engagements/{sams}/plan/history");
        var newest = history[0];
        Assert.Equal("Sam Okafor", newest.Str("authorName"));
        var change = newest.GetProperty("changes")[0];
        Assert.Equal("Focus changed", change.Str("what"));
        Assert.Equal(oldFocus, change.Str("before"));
        Assert.Equal("Feeling steady, one week at a time.", change.Str("after"));
        Assert.True(history.GetArrayLength() > 10);
        var numbers = history.EnumerateArray().Select(v => v.GetProperty("number").GetInt32()).ToList();
        Assert.Equal(numbers.OrderDescending(), numbers);

        var proposals = await sam.GetJsonAsync($"/api/engagements/{sams}/proposals");
        var kept = proposals.EnumerateArray().Single(p => p.Id() == declined.Id());
        Assert.Equal("Declined", kept.Str("status"));
        Assert.Equal("Feeling steady, one week at a time.", (await sam.GetJsonAsync($"/api/engagements/{sams}/plan")).Str("focus"));
    }

    [Fact]
    public async Task Bad_proposals_get_clear_4xx_and_change_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var before = (await sam.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("version").GetInt32();

        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "" }, HttpStatusCode.UnprocessableEntity);
        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = new string('x', 501) }, HttpStatusCode.UnprocessableEntity);
        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "EditGoal", goalId = Guid.NewGuid(), text = "x" }, HttpStatusCode.UnprocessableEntity);
        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { text = "no kind" }, HttpStatusCode.BadRequest);
        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "Nonsense", text = "x" }, HttpStatusCode.BadRequest);

        var pending = await alex.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddQuestion", text = "What helps on bad days?" }, HttpStatusCode.Created);
        await alex.PostJsonAsync($"/api/proposals/{pending.Id()}/accept", null, HttpStatusCode.Conflict);
        await sam.PostJsonAsync($"/api/proposals/{pending.Id()}/accept", null, HttpStatusCode.OK);
        await sam.PostJsonAsync($"/api/proposals/{pending.Id()}/decline", null, HttpStatusCode.Conflict);

        using var kim = await app.ClientForAsync("kim@harbor.test");
        await kim.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "x" }, HttpStatusCode.NotFound);
        await kim.PostJsonAsync($"/api/proposals/{pending.Id()}/comments", new { comment = "hi" }, HttpStatusCode.NotFound);

        await alex.PostJsonAsync($"/api/engagements/{sams}/end", null, HttpStatusCode.OK);
        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "After the end" }, HttpStatusCode.Conflict);
        var after = (await sam.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("version").GetInt32();
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task Ratings_commitments_and_the_goal_attainment_score()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var plan = await sam.GetJsonAsync($"/api/engagements/{sams}/plan");
        var goal = plan.GetProperty("goals").EnumerateArray().First(g => g.Str("status") == "Agreed");

        await sam.PostJsonAsync($"/api/engagements/{sams}/goals/{goal.Id()}/ratings", new { value = 8, attainment = 1 }, HttpStatusCode.Created);
        await alex.PostJsonAsync($"/api/engagements/{sams}/goals/{goal.Id()}/ratings", new { value = 7 }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/engagements/{sams}/goals/{goal.Id()}/ratings", new { value = 11 }, HttpStatusCode.BadRequest);
        var rated = (await sam.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("goals").EnumerateArray().Single(g => g.Id() == goal.Id());
        Assert.Equal(8, rated.GetProperty("latestRating").GetProperty("value").GetInt32());
        Assert.Equal(7, rated.GetProperty("latestTherapistRating").GetProperty("value").GetInt32());

        var alexId = (await alex.GetJsonAsync("/api/me")).Id();
        var withCommitment = await sam.PostJsonAsync($"/api/engagements/{sams}/commitments", new { text = "Bring the sleep diary next time", ownerId = alexId, due = "2026-01-01" }, HttpStatusCode.Created);
        var commitment = withCommitment.GetProperty("commitments").EnumerateArray().Single(c => c.Str("text") == "Bring the sleep diary next time");
        Assert.True(commitment.GetProperty("overdue").GetBoolean());
        Assert.Equal("Therapist", commitment.Str("ownerRole"));
        await alex.PostJsonAsync($"/api/commitments/{commitment.Id()}/complete", null, HttpStatusCode.OK);
        await alex.PostJsonAsync($"/api/commitments/{commitment.Id()}/complete", null, HttpStatusCode.Conflict);
        using var kim = await app.ClientForAsync("kim@harbor.test");
        await kim.PostJsonAsync($"/api/commitments/{commitment.Id()}/complete", null, HttpStatusCode.NotFound);
    }
}
