using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Proposals;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Plans;

/// <summary>"Suggest different wording" (issue 22): a proposal answered with other words, in both formats.</summary>
public sealed class CounterProposalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_led_Sams_wording_replaces_Alexs_proposal_at_once_and_both_stay_in_the_history()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var alexs = await alex.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "In bed by eleven every night", whyItMatters = "Sleep first" }, HttpStatusCode.Created);

        var counter = await sam.PostJsonAsync($"/api/proposals/{alexs.Id()}/counter", new { text = "In bed by midnight on work nights" }, HttpStatusCode.Created);

        Assert.Equal("Applied", counter.Str("status"));
        var goals = (await alex.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("goals").EnumerateArray().ToList();
        var goal = Assert.Single(goals, g => g.Str("text") == "In bed by midnight on work nights");
        Assert.Equal("Sleep first", goal.Str("whyItMatters"));
        Assert.DoesNotContain(goals, g => g.Str("text") == "In bed by eleven every night");
        var list = (await sam.GetJsonAsync($"/api/engagements/{sams}/proposals")).EnumerateArray().ToList();
        var original = list.Single(p => p.Id() == alexs.Id());
        Assert.Equal("Declined", original.Str("status"));
        Assert.Equal(ProposalUseCases.CounterComment, original.GetProperty("responses").EnumerateArray().Single().Str("comment"));
        Assert.Contains("Alex Rivera", counter.Str("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Therapist_led_Alexs_wording_follows_the_format_and_waits_for_Jordan()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var mine = await jordan.PostJsonAsync($"/api/engagements/{jordans}/proposals", new { kind = "SetFocus", text = "Making the new town feel like home" }, HttpStatusCode.Created);

        var counter = await alex.PostJsonAsync($"/api/proposals/{mine.Id()}/counter", new { text = "Making the new town feel like home, one place at a time" }, HttpStatusCode.Created);

        // His wording follows the format's rule like any proposal of his: here it waits for Jordan.
        Assert.Equal("Pending", counter.Str("status"));
        Assert.Contains("Jordan Ellis", counter.GetProperty("waitingFor").EnumerateArray().Select(w => w.GetString()));
        await jordan.PostJsonAsync($"/api/proposals/{counter.Id()}/accept", null, HttpStatusCode.OK);
        Assert.Equal("Making the new town feel like home, one place at a time", (await jordan.GetJsonAsync($"/api/engagements/{jordans}/plan")).Str("focus"));
    }

    [Fact]
    public async Task In_a_couple_a_partners_counter_waits_for_the_others_and_each_sees_who_agreed()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        var morgans = await morgan.PostJsonAsync($"/api/engagements/{couple}/proposals", new { kind = "AddGoal", text = "A walk together each Sunday" }, HttpStatusCode.Created);

        // Riley agrees; Avery sees that before answering, and answers with other words.
        await riley.PostJsonAsync($"/api/proposals/{morgans.Id()}/accept", null, HttpStatusCode.OK);
        var seenByAvery = (await avery.GetJsonAsync($"/api/engagements/{couple}/proposals")).EnumerateArray().Single(p => p.Id() == morgans.Id());
        Assert.Contains(seenByAvery.GetProperty("responses").EnumerateArray(), r => r.Str("displayName") == "Riley Brooks" && r.GetProperty("accepted").GetBoolean());

        var averys = await avery.PostJsonAsync($"/api/proposals/{morgans.Id()}/counter", new { text = "A walk together each Sunday, phones at home" }, HttpStatusCode.Created);
        Assert.Equal("Pending", averys.Str("status"));
        Assert.Contains("Morgan Chen", averys.GetProperty("waitingFor").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal("Declined", (await riley.GetJsonAsync($"/api/engagements/{couple}/proposals")).EnumerateArray().Single(p => p.Id() == morgans.Id()).Str("status"));
    }

    [Fact]
    public async Task A_counter_that_cannot_be_leaves_the_proposal_waiting_and_writes_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var goal = (await sam.GetJsonAsync($"/api/engagements/{sams}/plan")).GetProperty("goals").EnumerateArray().First(g => g.Str("status") == "Agreed").Id();
        var retire = await alex.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "RetireGoal", goalId = goal }, HttpStatusCode.Created);
        var words = await alex.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddQuestion", text = "What helps on a slow morning?" }, HttpStatusCode.Created);
        var before = await CountAsync(app);

        var noWords = await sam.PostJsonAsync($"/api/proposals/{retire.Id()}/counter", new { text = "Keep it" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Only a change in words", noWords.Str("title"), StringComparison.Ordinal);
        var same = await sam.PostJsonAsync($"/api/proposals/{words.Id()}/counter", new { text = "What helps on a slow morning?" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("the same as the proposal's", same.Str("title"), StringComparison.Ordinal);
        await sam.PostJsonAsync($"/api/proposals/{words.Id()}/counter", new { text = "" }, HttpStatusCode.UnprocessableEntity);
        await alex.PostJsonAsync($"/api/proposals/{words.Id()}/counter", new { text = "My own, again" }, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfPostAsync($"/api/proposals/{Guid.NewGuid()}/counter", new { text = "Anything" }));

        Assert.Equal(before, await CountAsync(app));
        Assert.Equal("Pending", (await sam.GetJsonAsync($"/api/engagements/{sams}/proposals")).EnumerateArray().Single(p => p.Id() == words.Id()).Str("status"));
    }

    private static async Task<(int Proposals, int Responses)> CountAsync(TandemApp app)
    {
        var counts = (0, 0);
        await app.WithDbAsync(async db => counts = (await db.Proposals.CountAsync(Ct), await db.Set<ProposalResponse>().CountAsync(Ct)));
        return counts;
    }
}
