using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Measures.Reviews;

/// <summary>What opened a review.</summary>
public enum ReviewTrigger
{
    /// <summary>A "not on track" alert (the expected-response curve, or the fixed rule).</summary>
    NotOnTrack,

    /// <summary>A drop in the client's Collaboration Check (a collaboration concern), or CollaboRATE's drop signal.</summary>
    CollaborationDrop,
}

public enum ReviewState
{
    /// <summary>Waiting for one side or both.</summary>
    Open,

    /// <summary>The client said no thanks; the therapist may still add their side.</summary>
    ClientDeclined,

    /// <summary>Both sides answered.</summary>
    Completed,
}

/// <summary>The client's side: how the work is going for them.</summary>
public sealed record ClientReviewAnswers(string? PlanFit, string? Pace, string? Life, string? Support);

/// <summary>The therapist's side: alliance, motivation, life events, social support, and whether another approach or format may help.</summary>
public sealed record TherapistReviewAnswers(string? Alliance, string? Motivation, string? LifeEvents, string? Support, string? Approach);

/// <summary>
/// A shared review when the work is off track (issue 24): opened by a signal, filled in by the
/// client and by a therapist, each without seeing the other's answers until both have answered (so
/// each says what they think), and shown side by side at the next session. The client can decline.
/// </summary>
public sealed class OffTrackReview : IPracticeScoped
{
    public const int AnswerMaxLength = 1000;

    private OffTrackReview()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    /// <summary>The client the signal was about; the review is their personal record.</summary>
    public Guid ClientId { get; private set; }

    public ReviewTrigger Trigger { get; private set; }

    /// <summary>The alert that opened it, when there is one.</summary>
    public Guid? AlertId { get; private set; }

    /// <summary>When the signal came (the review opens at the same moment).</summary>
    public DateTimeOffset SignalAt { get; private set; }

    public ReviewState State { get; private set; }

    [MultiLine]
    public string? ClientPlanFit { get; private set; }

    [MultiLine]
    public string? ClientPace { get; private set; }

    [MultiLine]
    public string? ClientLife { get; private set; }

    [MultiLine]
    public string? ClientSupport { get; private set; }

    public DateTimeOffset? ClientAnsweredAt { get; private set; }

    public DateTimeOffset? ClientDeclinedAt { get; private set; }

    public Guid? TherapistId { get; private set; }

    [MultiLine]
    public string? TherapistAlliance { get; private set; }

    [MultiLine]
    public string? TherapistMotivation { get; private set; }

    [MultiLine]
    public string? TherapistLifeEvents { get; private set; }

    [MultiLine]
    public string? TherapistSupport { get; private set; }

    [MultiLine]
    public string? TherapistApproach { get; private set; }

    public DateTimeOffset? TherapistAnsweredAt { get; private set; }

    /// <summary>When both sides had answered.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    public int Version { get; private set; }

    /// <summary>Each side sees the other's answers once both have answered, or the client has declined.</summary>
    public bool BothSidesShown => State != ReviewState.Open;

    public static OffTrackReview Open(Engagement engagement, Guid clientId, ReviewTrigger trigger, Guid? alertId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        if (engagement.ParticipantFor(clientId)?.Role != ParticipantRole.Client)
        {
            throw new DomainException("A review is about one of the engagement's clients.", DomainError.Invalid);
        }

        return new OffTrackReview
        {
            Id = Guid.CreateVersion7(at),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            ClientId = clientId,
            Trigger = trigger,
            AlertId = alertId,
            SignalAt = at,
            State = ReviewState.Open,
        };
    }

    public void AnswerAsClient(Guid clientId, ClientReviewAnswers answers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (clientId != ClientId)
        {
            throw DomainException.NotFound();
        }

        if (State == ReviewState.ClientDeclined)
        {
            throw new DomainException("You said no thanks to this check-in, so there is nothing more to fill in.", DomainError.Conflict);
        }

        if (ClientAnsweredAt is not null)
        {
            throw new DomainException("Your answers to this check-in are already sent.", DomainError.Conflict);
        }

        var fit = Clean(answers.PlanFit, "planFit");
        var pace = Clean(answers.Pace, "pace");
        var life = Clean(answers.Life, "life");
        var support = Clean(answers.Support, "support");
        if (fit is null && pace is null && life is null && support is null)
        {
            throw new DomainException("Write something in at least one of the boxes, or choose \"No thanks\".", DomainError.Invalid,
                new Dictionary<string, string[]> { ["planFit"] = ["At least one answer, in your own words."] });
        }

        (ClientPlanFit, ClientPace, ClientLife, ClientSupport, ClientAnsweredAt) = (fit, pace, life, support, now);
        CompleteIfBoth(now);
        Version++;
    }

    public void Decline(Guid clientId, DateTimeOffset now)
    {
        if (clientId != ClientId)
        {
            throw DomainException.NotFound();
        }

        if (State != ReviewState.Open || ClientAnsweredAt is not null)
        {
            throw new DomainException(State == ReviewState.ClientDeclined ? "You already said no thanks to this check-in." : "Your answers to this check-in are already sent.", DomainError.Conflict);
        }

        State = ReviewState.ClientDeclined;
        ClientDeclinedAt = now;
        Version++;
    }

    public void AnswerAsTherapist(Guid therapistId, TherapistReviewAnswers answers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (TherapistAnsweredAt is not null)
        {
            throw new DomainException("The therapist's side of this review is already filled in.", DomainError.Conflict);
        }

        var alliance = Clean(answers.Alliance, "alliance");
        var motivation = Clean(answers.Motivation, "motivation");
        var life = Clean(answers.LifeEvents, "lifeEvents");
        var support = Clean(answers.Support, "support");
        var approach = Clean(answers.Approach, "approach");
        if (alliance is null && motivation is null && life is null && support is null && approach is null)
        {
            throw new DomainException("Write something in at least one of the boxes.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["alliance"] = ["At least one answer."] });
        }

        (TherapistId, TherapistAlliance, TherapistMotivation, TherapistLifeEvents, TherapistSupport, TherapistApproach, TherapistAnsweredAt) =
            (therapistId, alliance, motivation, life, support, approach, now);
        CompleteIfBoth(now);
        Version++;
    }

    private void CompleteIfBoth(DateTimeOffset now)
    {
        if (ClientAnsweredAt is not null && TherapistAnsweredAt is not null)
        {
            State = ReviewState.Completed;
            CompletedAt = now;
        }
    }

    private static string? Clean(string? text, string field)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return value.Length <= AnswerMaxLength ? value
            : throw new DomainException($"Each answer is at most {AnswerMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { [field] = [$"At most {AnswerMaxLength} characters."] });
    }
}

internal sealed class OffTrackReviewConfiguration : IEntityTypeConfiguration<OffTrackReview>
{
    public void Configure(EntityTypeBuilder<OffTrackReview> builder)
    {
        builder.ToTable("OffTrackReviews");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(30);
        foreach (var text in new[] { "ClientPlanFit", "ClientPace", "ClientLife", "ClientSupport", "TherapistAlliance", "TherapistMotivation", "TherapistLifeEvents", "TherapistSupport", "TherapistApproach" })
        {
            builder.Property<string?>(text).HasMaxLength(OffTrackReview.AnswerMaxLength);
        }

        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Ignore(r => r.BothSidesShown);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(r => r.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.PracticeId, r.EngagementId, r.ClientId, r.SignalAt });
    }
}
