using Tandem.Features.Engagements;
using Tandem.Features.Plans;

namespace Tandem.UnitTests.Plans;

public sealed class PlanRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Therapist = Guid.NewGuid();
    private static readonly Guid CoTherapist = Guid.NewGuid();
    private static readonly Guid Riley = Guid.NewGuid();
    private static readonly Guid Avery = Guid.NewGuid();

    private static Engagement Couple(EngagementFormat format)
    {
        var e = Engagement.Start(Guid.NewGuid(), "Us", format, Therapist, Now);
        e.Add(CoTherapist, ParticipantRole.Therapist, Now);
        e.Add(Riley, ParticipantRole.Client, Now);
        e.Add(Avery, ParticipantRole.Client, Now);
        e.AgreementStateChanged(true);
        return e;
    }

    [Fact]
    public void Client_led_a_clients_change_applies_at_once()
    {
        var approval = PlanRules.For(Couple(EngagementFormat.ClientLed), Riley, isFormatChange: false);
        Assert.True(approval.AppliesAtOnce);
    }

    [Fact]
    public void Client_led_a_therapists_change_waits_for_every_client()
    {
        var approval = PlanRules.For(Couple(EngagementFormat.ClientLed), Therapist, isFormatChange: false);
        Assert.False(approval.AnyOneSuffices);
        Assert.Equal(new[] { Riley, Avery }.Order(), approval.Responders.Order());
    }

    [Fact]
    public void Therapist_led_a_therapists_change_waits_for_every_client()
    {
        var approval = PlanRules.For(Couple(EngagementFormat.TherapistLed), CoTherapist, isFormatChange: false);
        Assert.False(approval.AnyOneSuffices);
        Assert.Equal(new[] { Riley, Avery }.Order(), approval.Responders.Order());
    }

    [Fact]
    public void Therapist_led_a_clients_change_waits_for_any_one_therapist()
    {
        var approval = PlanRules.For(Couple(EngagementFormat.TherapistLed), Avery, isFormatChange: false);
        Assert.True(approval.AnyOneSuffices);
        Assert.Equal(new[] { Therapist, CoTherapist }.Order(), approval.Responders.Order());
    }

    [Theory]
    [InlineData(EngagementFormat.ClientLed)]
    [InlineData(EngagementFormat.TherapistLed)]
    public void A_format_change_always_needs_everyone_else(EngagementFormat format)
    {
        var approval = PlanRules.For(Couple(format), Riley, isFormatChange: true);
        Assert.False(approval.AnyOneSuffices);
        Assert.Equal(new[] { Therapist, CoTherapist, Avery }.Order(), approval.Responders.Order());
    }

    [Fact]
    public void A_goal_is_agreed_only_when_every_client_agrees()
    {
        var e = Couple(EngagementFormat.ClientLed);
        var plan = Plan.For(e, Now);
        var goal = plan.AddGoal("Talk without phones", null, Riley, [Riley], e, Now);
        Assert.Equal(GoalStatus.Proposed, goal.Status);
        plan.AgreeToGoal(goal.Id, Avery, e, Now);
        Assert.Equal(GoalStatus.Agreed, goal.Status);
    }

    [Fact]
    public void Rewording_a_goal_needs_agreement_again_from_those_who_did_not_ask_for_it()
    {
        var e = Couple(EngagementFormat.ClientLed);
        var plan = Plan.For(e, Now);
        var goal = plan.AddGoal("Talk more", null, Riley, [Riley, Avery], e, Now);
        Assert.Equal(GoalStatus.Agreed, goal.Status);
        plan.EditGoal(goal.Id, "Talk more, calmly", null, Riley, [Riley], e, Now);
        Assert.Equal(GoalStatus.Proposed, goal.Status);
        var version = plan.Version;
        plan.AgreeToGoal(goal.Id, Avery, e, Now);
        Assert.Equal(GoalStatus.Agreed, goal.Status);
        Assert.Equal(version + 1, plan.Version);
    }

    [Fact]
    public void Every_change_moves_the_version_and_closed_goals_stay_closed()
    {
        var e = Couple(EngagementFormat.ClientLed);
        var plan = Plan.For(e, Now);
        plan.SetFocus("Us", Riley, Now);
        var goal = plan.AddGoal("G", null, Riley, [Riley, Avery], e, Now);
        plan.AchieveGoal(goal.Id, Riley, Now);
        Assert.Equal(3, plan.Version);
        Assert.Throws<Tandem.Infrastructure.Errors.DomainException>(() => plan.EditGoal(goal.Id, "H", null, Riley, [], e, Now));
    }

    [Fact]
    public void Commitments_belong_to_participants_and_overdue_is_computed_from_the_due_date()
    {
        var e = Couple(EngagementFormat.ClientLed);
        var plan = Plan.For(e, Now);
        Assert.Throws<Tandem.Infrastructure.Errors.DomainException>(() => plan.AddCommitment("x", Guid.NewGuid(), null, Riley, e, Now));
        var c = plan.AddCommitment("Send the article", Therapist, new DateOnly(2026, 11, 20), Riley, e, Now);
        Assert.True(c.IsOverdue(new DateOnly(2026, 11, 25)));
        Assert.Throws<Tandem.Infrastructure.Errors.DomainException>(() => plan.CompleteCommitment(c.Id, Avery, e, Now));
        plan.CompleteCommitment(c.Id, Therapist, e, Now);
        Assert.False(c.IsOverdue(new DateOnly(2026, 11, 25)));
    }
}
