namespace Tandem.Features.Plans;

public sealed record RatingView(int Value, int? Attainment, DateTimeOffset At, string RaterRole, Guid RaterId)
{
    /// <summary>Whose rating it is: in a couple or family, each partner rates the same goal.</summary>
    public string RaterName { get; init; } = "";
}

public sealed record GoalView(
    Guid Id,
    string Text,
    string? WhyItMatters,
    string Status,
    RatingView? LatestRating,
    RatingView? LatestTherapistRating,
    IReadOnlyList<string> AgreedBy,
    IReadOnlyList<string> WaitingFor,
    IReadOnlyList<RatingView> Ratings);

public sealed record QuestionView(Guid Id, string Text, string AskedBy, DateTimeOffset At);

public sealed record CommitmentView(Guid Id, string Text, Guid OwnerId, string OwnerName, string OwnerRole, DateOnly? Due, bool Done, DateTimeOffset? DoneAt, bool Overdue);

public sealed record PlanView(
    Guid EngagementId,
    int Version,
    string Focus,
    IReadOnlyList<GoalView> Goals,
    IReadOnlyList<QuestionView> OpenQuestions,
    IReadOnlyList<CommitmentView> Commitments,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy,
    double? GoalAttainmentT)
{
    public string ETag => $"\"{Version}\"";
}

public sealed record PlanVersionView(int Number, Guid AuthorId, string AuthorName, DateTimeOffset At, Guid? ProposalId, string? Reason, IReadOnlyList<string> AgreedBy, IReadOnlyList<PlanChange> Changes);
