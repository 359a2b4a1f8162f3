using Tandem.Features.Engagements;
using Tandem.Features.Proposals;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.Engagements;

public sealed class EngagementRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Therapist = Guid.NewGuid();
    private static readonly Guid Client = Guid.NewGuid();

    private static Engagement NewEngagement(EngagementFormat format = EngagementFormat.ClientLed)
    {
        var e = Engagement.Start(Guid.NewGuid(), "Work", format, Therapist, Now);
        e.Add(Client, ParticipantRole.Client, Now);
        return e;
    }

    [Fact]
    public void A_new_engagement_starts_invited_with_its_therapist_and_is_read_only_until_clients_sign()
    {
        var e = NewEngagement();
        Assert.Equal(EngagementStatus.Invited, e.Status);
        Assert.True(e.IsTherapist(Therapist));
        var ex = Assert.Throws<DomainException>(e.EnsureWritable);
        Assert.Contains("sign the collaboration agreement", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signing_by_every_client_activates_it_and_a_new_client_makes_it_read_only_again()
    {
        var e = NewEngagement();
        e.AgreementStateChanged(allClientsSigned: true);
        Assert.Equal(EngagementStatus.Active, e.Status);
        e.EnsureWritable();

        e.Add(Guid.NewGuid(), ParticipantRole.Client, Now);
        Assert.Throws<DomainException>(e.EnsureWritable);
    }

    [Fact]
    public void Without_clients_nobody_has_signed_everything()
    {
        var e = Engagement.Start(Guid.NewGuid(), "Work", EngagementFormat.ClientLed, Therapist, Now);
        e.AgreementStateChanged(allClientsSigned: true);
        Assert.False(e.AllClientsSigned);
        Assert.Equal(EngagementStatus.Invited, e.Status);
    }

    [Fact]
    public void There_is_always_at_least_one_therapist()
    {
        var e = NewEngagement();
        var ex = Assert.Throws<DomainException>(() => e.Remove(Therapist, Now));
        Assert.Equal(DomainError.Conflict, ex.Kind);

        var second = Guid.NewGuid();
        e.Add(second, ParticipantRole.Therapist, Now);
        e.Remove(Therapist, Now);
        Assert.False(e.IsTherapist(Therapist));
        Assert.True(e.IsTherapist(second));
    }

    [Fact]
    public void Only_a_therapist_pauses_resumes_or_ends_and_ended_is_final()
    {
        var e = NewEngagement();
        e.AgreementStateChanged(true);
        Assert.Throws<DomainException>(() => e.Pause(Client));
        e.Pause(Therapist);
        Assert.Equal(EngagementStatus.Paused, e.Status);
        Assert.Throws<DomainException>(e.EnsureWritable);
        e.Resume(Therapist);
        Assert.Equal(EngagementStatus.Active, e.Status);

        e.End(Therapist, Now);
        Assert.Equal(EngagementStatus.Ended, e.Status);
        Assert.Throws<DomainException>(() => e.Resume(Therapist));
        Assert.Throws<DomainException>(() => e.Add(Guid.NewGuid(), ParticipantRole.Client, Now));
        Assert.Throws<DomainException>(e.EnsureWritable);
        Assert.Throws<DomainException>(() => e.End(Therapist, Now));
    }

    [Fact]
    public void Withdrawing_pauses_and_resuming_needs_the_signature_back()
    {
        var e = NewEngagement();
        e.AgreementStateChanged(true);
        e.PauseForWithdrawal();
        Assert.Equal(EngagementStatus.Paused, e.Status);
        Assert.Throws<DomainException>(() => e.Resume(Therapist));
        e.AgreementStateChanged(true);
        e.Resume(Therapist);
        Assert.Equal(EngagementStatus.Active, e.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_title_is_required(string title) =>
        Assert.Throws<DomainException>(() => Engagement.Start(Guid.NewGuid(), title, EngagementFormat.ClientLed, Therapist, Now));

    [Fact]
    public void A_format_change_needs_every_other_participant_and_the_author_cannot_answer()
    {
        var e = NewEngagement();
        var partner = Guid.NewGuid();
        e.Add(partner, ParticipantRole.Client, Now);
        e.AgreementStateChanged(true);

        var proposal = Proposal.Create(e, Client, ProposalKind.ChangeFormat, new ProposalPayload(Format: EngagementFormat.TherapistLed), "more structure", Now);
        Assert.Throws<DomainException>(() => proposal.Respond(e, Client, accept: true, null, Now));
        Assert.False(proposal.Respond(e, Therapist, accept: true, null, Now));
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
        Assert.True(proposal.Respond(e, partner, accept: true, "fine", Now));
        Assert.Throws<DomainException>(() => proposal.Respond(e, partner, accept: false, null, Now));
    }

    [Fact]
    public void One_no_declines_a_format_change()
    {
        var e = NewEngagement();
        e.AgreementStateChanged(true);
        var proposal = Proposal.Create(e, Therapist, ProposalKind.ChangeFormat, new ProposalPayload(Format: EngagementFormat.TherapistLed), null, Now);
        Assert.False(proposal.Respond(e, Client, accept: false, "I prefer to lead", Now));
        Assert.Equal(ProposalStatus.Declined, proposal.Status);
        Assert.Throws<DomainException>(() => proposal.Respond(e, Client, accept: true, null, Now));
    }

    [Fact]
    public void Proposing_before_every_client_has_signed_is_refused()
    {
        var e = NewEngagement();
        Assert.Throws<DomainException>(() => Proposal.Create(e, Client, ProposalKind.ChangeFormat, new ProposalPayload(Format: EngagementFormat.TherapistLed), null, Now));
    }
}
