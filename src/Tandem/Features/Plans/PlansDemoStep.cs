using Microsoft.EntityFrameworkCore;
using Tandem.Features.Demo;
using Tandem.Features.Engagements;
using Tandem.Features.Proposals;

namespace Tandem.Features.Plans;

/// <summary>Demo plans: a few months of versions, agreed and waiting goals, open questions, commitments on both sides, ratings.</summary>
public sealed class PlansDemoStep : IDemoSeedStep
{
    public int Order => 15;

    public async Task SeedAsync(DemoContext demo, CancellationToken ct)
    {
        var db = demo.Db;
        var engagements = await db.Engagements.Include(e => e.Participants).ToDictionaryAsync(e => e.Id, ct);
        Guid P(string key) => demo.People[key].Id;

        async Task<Plan> PlanFor(string key, int daysAgo, string focus, Guid by)
        {
            var engagement = engagements[demo.EngagementIds[key]];
            var plan = Plan.For(engagement, demo.Now.AddDays(-daysAgo));
            db.Set<Plan>().Add(plan);
            await Change(plan, by, daysAgo, p => p.SetFocus(focus, by, demo.Now.AddDays(-daysAgo)));
            return plan;
        }

        async Task Change(Plan plan, Guid by, int daysAgo, Action<Plan> change, Proposal? proposal = null)
        {
            var before = PlanSnapshot.Of(plan);
            change(plan);
            await PlanHistory.RecordAsync(db, plan, before, by, proposal?.Id, demo.Now.AddDays(-daysAgo), ct);
        }

        Engagement E(string key) => engagements[demo.EngagementIds[key]];

        void Rate(string key, Goal goal, Guid rater, params (int DaysAgo, int Value, int? Gas)[] ratings)
        {
            foreach (var (daysAgo, value, gas) in ratings)
            {
                db.Set<GoalRating>().Add(GoalRating.Create(E(key), goal, rater, value, gas, demo.Now.AddDays(-daysAgo)));
            }
        }

        Proposal Pending(string key, Guid author, ProposalKind kind, ProposalPayload payload, string? reason, int daysAgo)
        {
            var proposal = Proposal.Create(E(key), author, kind, payload, reason, demo.Now.AddDays(-daysAgo));
            db.Proposals.Add(proposal);
            return proposal;
        }

        // Sam, client-led with Alex.
        var sam = await PlanFor("sam", 140, "I want to feel steady enough to go back to the things I used to enjoy, without pushing myself too hard.", P("sam"));
        Goal? football = null, sleep = null, sister = null;
        await Change(sam, P("sam"), 135, p => football = p.AddGoal("Get back to playing football on Sundays", "It was the one time in the week I felt like myself.", P("sam"), [P("sam")], E("sam"), demo.Now.AddDays(-135)));
        await Change(sam, P("sam"), 130, p => sleep = p.AddGoal("Sleep through most nights", "Everything is harder when I'm exhausted.", P("sam"), [P("sam")], E("sam"), demo.Now.AddDays(-130)));
        await Change(sam, P("sam"), 110, p => sister = p.AddGoal("Phone my sister once a week", null, P("sam"), [P("sam")], E("sam"), demo.Now.AddDays(-110)));
        await Change(sam, P("alex"), 100, p => p.AddQuestion("What makes Sunday evenings harder than other evenings?", P("alex"), demo.Now.AddDays(-100)));
        await Change(sam, P("sam"), 95, p => p.AddQuestion("Is it tiredness or worry that keeps me awake?", P("sam"), demo.Now.AddDays(-95)));
        await Change(sam, P("sam"), 60, p => p.AchieveGoal(sister!.Id, P("sam"), demo.Now.AddDays(-60)));
        var today = DateOnly.FromDateTime(demo.Now.UtcDateTime);
        Commitment? walk = null, diary = null;
        await Change(sam, P("sam"), 40, p => walk = p.AddCommitment("Walk to the park twice this week", P("sam"), today.AddDays(-33), P("sam"), E("sam"), demo.Now.AddDays(-40)));
        await Change(sam, P("alex"), 40, p => diary = p.AddCommitment("Send Sam the sleep diary template", P("alex"), today.AddDays(-38), P("alex"), E("sam"), demo.Now.AddDays(-40)));
        await Change(sam, P("sam"), 34, p => p.CompleteCommitment(walk!.Id, P("sam"), E("sam"), demo.Now.AddDays(-34)));
        await Change(sam, P("alex"), 39, p => p.CompleteCommitment(diary!.Id, P("alex"), E("sam"), demo.Now.AddDays(-39)));
        await Change(sam, P("sam"), 6, p => p.AddCommitment("Try the wind-down routine on three nights", P("sam"), today.AddDays(3), P("sam"), E("sam"), demo.Now.AddDays(-6)));
        await Change(sam, P("alex"), 6, p => p.AddCommitment("Find out when the community football group meets", P("alex"), today.AddDays(-1), P("alex"), E("sam"), demo.Now.AddDays(-6)));
        Rate("sam", football!, P("sam"), (120, 1, -2), (90, 3, -1), (60, 4, -1), (30, 6, 0), (7, 7, 0));
        Rate("sam", sleep!, P("sam"), (120, 2, -2), (90, 2, -2), (60, 4, -1), (30, 5, 0), (7, 6, 0));
        Rate("sam", football!, P("alex"), (60, 4, null), (7, 6, null));
        Pending("sam", P("alex"), ProposalKind.AddGoal, new ProposalPayload("Notice and name one small win each day", "To balance how hard you are on yourself."), "Something we talked about last time.", 2);

        // Jordan, therapist-led with Alex.
        var jordan = await PlanFor("jordan", 115, "Settling into a new city after the move, and finding my own rhythm again.", P("alex"));
        Goal? routine = null;
        await Change(jordan, P("alex"), 110, p => routine = p.AddGoal("Build a weekday routine that includes time outside", null, P("alex"), [P("jordan")], E("jordan"), demo.Now.AddDays(-110)));
        await Change(jordan, P("alex"), 80, p => p.AddQuestion("What did home feel like before the move?", P("alex"), demo.Now.AddDays(-80)));
        await Change(jordan, P("jordan"), 20, p => p.AddCommitment("Visit the library on Saturday", P("jordan"), today.AddDays(-13), P("jordan"), E("jordan"), demo.Now.AddDays(-20)));
        Rate("jordan", routine!, P("jordan"), (100, 2, -1), (70, 3, -1), (40, 3, -1), (10, 4, 0));
        Pending("jordan", P("jordan"), ProposalKind.AddGoal, new ProposalPayload("Find one place in town that feels like mine", "A café or a park, somewhere I can just be."), null, 3);

        // Casey, client-led with Morgan.
        var casey = await PlanFor("casey", 95, "Worry about work follows me to bed. I'd like evenings back.", P("casey"));
        Goal? evenings = null;
        await Change(casey, P("casey"), 92, p => evenings = p.AddGoal("Stop checking work email after 7pm", "So evenings are mine.", P("casey"), [P("casey")], E("casey"), demo.Now.AddDays(-92)));
        await Change(casey, P("morgan"), 60, p => p.AddCommitment("Share two short reading suggestions about worry", P("morgan"), today.AddDays(-50), P("morgan"), E("casey"), demo.Now.AddDays(-60)));
        Rate("casey", evenings!, P("casey"), (80, 2, -1), (50, 4, 0), (20, 6, 1));

        // Riley and Avery, therapist-led with Morgan: agreed only when both agree.
        var couple = await PlanFor("couple", 85, "We want to argue less and listen more, especially about money and time with family.", P("morgan"));
        Goal? listen = null;
        await Change(couple, P("morgan"), 80, p => listen = p.AddGoal("Have one unhurried conversation a week without phones", null, P("morgan"), [P("riley"), P("avery")], E("couple"), demo.Now.AddDays(-80)));
        await Change(couple, P("riley"), 30, p => p.AddGoal("Plan family visits together a month ahead", "So neither of us feels ambushed.", P("riley"), [P("riley")], E("couple"), demo.Now.AddDays(-30)));
        await Change(couple, P("avery"), 25, p => p.AddQuestion("What does 'fair' mean to each of us when it comes to money?", P("avery"), demo.Now.AddDays(-25)));
        Rate("couple", listen!, P("riley"), (60, 3, null), (30, 5, null));
        Rate("couple", listen!, P("avery"), (60, 2, null), (30, 4, null));
        Pending("couple", P("morgan"), ProposalKind.AddGoal, new ProposalPayload("Each name one thing the other did that helped, every Sunday", null), null, 1);

        // Kim, client-led with Lee at Harbor.
        var kim = await PlanFor("kim", 105, "Making room for grief without it taking over every day.", P("kim"));
        Goal? mornings = null;
        await Change(kim, P("kim"), 100, p => mornings = p.AddGoal("Get through mornings without dread", null, P("kim"), [P("kim")], E("kim"), demo.Now.AddDays(-100)));
        Rate("kim", mornings!, P("kim"), (90, 1, -2), (60, 3, -1), (30, 4, 0), (5, 5, 0));

        await db.SaveChangesAsync(ct);
    }
}
