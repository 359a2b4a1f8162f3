using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Plans;

public enum GoalStatus
{
    Proposed,
    Agreed,
    Achieved,
    SetAside,
}

/// <summary>
/// The shared plan of one engagement: a focus in the client's words, goals, open questions
/// and commitments for both sides. Every change comes through a proposal (or, for someone
/// the format lets decide alone, a direct edit) and leaves a <see cref="PlanVersion"/>.
/// </summary>
public sealed class Plan : IPracticeScoped
{
    public const int FocusMaxLength = 2000;
    public const int TextMaxLength = 500;
    public const int WhyMaxLength = 1000;

    private readonly List<Goal> _goals = [];
    private readonly List<OpenQuestion> _questions = [];
    private readonly List<Commitment> _commitments = [];

    private Plan()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    [MultiLine]
    public string Focus { get; private set; } = "";

    /// <summary>Increases with every change; the API's ETag and the optimistic concurrency token.</summary>
    public int Version { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public Guid? UpdatedBy { get; private set; }

    public IReadOnlyList<Goal> Goals => _goals;

    public IReadOnlyList<OpenQuestion> Questions => _questions;

    public IReadOnlyList<Commitment> Commitments => _commitments;

    public static Plan For(Engagement engagement, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = engagement.PracticeId,
        EngagementId = engagement.Id,
        UpdatedAt = now,
    };

    public Goal Goal(Guid goalId) => _goals.FirstOrDefault(g => g.Id == goalId) ?? throw new DomainException("That goal is not in this plan.", DomainError.NotFound);

    public void SetFocus(string text, Guid by, DateTimeOffset now)
    {
        Focus = Clean(text, FocusMaxLength, "The focus", allowEmpty: true);
        Touch(by, now);
    }

    public Goal AddGoal(string text, string? why, Guid by, IEnumerable<Guid> agreeingClients, Engagement engagement, DateTimeOffset now)
    {
        if (_goals.Count(g => g.Status is GoalStatus.Proposed or GoalStatus.Agreed) >= 50)
        {
            throw new DomainException("A plan holds at most 50 open goals. Set some aside first.", DomainError.Conflict);
        }

        var goal = Plans.Goal.Create(this, Clean(text, TextMaxLength, "A goal"), CleanOptional(why, WhyMaxLength, "Why it matters"), by, now);
        _goals.Add(goal);
        foreach (var client in agreeingClients)
        {
            goal.AgreeBy(client, now);
        }

        goal.Recompute(engagement);
        Touch(by, now);
        return goal;
    }

    public void EditGoal(Guid goalId, string text, string? why, Guid by, IEnumerable<Guid> agreeingClients, Engagement engagement, DateTimeOffset now)
    {
        var goal = Goal(goalId);
        goal.Edit(Clean(text, TextMaxLength, "A goal"), CleanOptional(why, WhyMaxLength, "Why it matters"), agreeingClients, engagement, now);
        Touch(by, now);
    }

    public void RetireGoal(Guid goalId, Guid by, DateTimeOffset now)
    {
        Goal(goalId).SetAside();
        Touch(by, now);
    }

    public void AchieveGoal(Guid goalId, Guid by, DateTimeOffset now)
    {
        Goal(goalId).Achieve();
        Touch(by, now);
    }

    public void AgreeToGoal(Guid goalId, Guid clientId, Engagement engagement, DateTimeOffset now)
    {
        var goal = Goal(goalId);
        goal.AgreeBy(clientId, now);
        goal.Recompute(engagement);
        Touch(clientId, now);
    }

    public OpenQuestion AddQuestion(string text, Guid by, DateTimeOffset now)
    {
        if (_questions.Count(q => q.ClosedAt is null) >= 50)
        {
            throw new DomainException("At most 50 open questions at a time.", DomainError.Conflict);
        }

        var question = OpenQuestion.Create(this, Clean(text, TextMaxLength, "A question"), by, now);
        _questions.Add(question);
        Touch(by, now);
        return question;
    }

    public Commitment AddCommitment(string text, Guid ownerId, DateOnly? due, Guid by, Engagement engagement, DateTimeOffset now)
    {
        if (engagement.ParticipantFor(ownerId) is null)
        {
            throw new DomainException("A commitment belongs to someone in this engagement.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["ownerId"] = ["Choose someone in this engagement."] });
        }

        var commitment = Commitment.Create(this, Clean(text, TextMaxLength, "A commitment"), ownerId, due, by, now);
        _commitments.Add(commitment);
        Touch(by, now);
        return commitment;
    }

    public void CompleteCommitment(Guid commitmentId, Guid by, Engagement engagement, DateTimeOffset now)
    {
        var commitment = _commitments.FirstOrDefault(c => c.Id == commitmentId) ?? throw DomainException.NotFound();
        if (commitment.OwnerId != by && !engagement.IsTherapist(by))
        {
            throw new DomainException("Only the person who made a commitment (or a therapist) marks it done.", DomainError.Conflict);
        }

        commitment.Complete(now);
        Touch(by, now);
    }

    /// <summary>Goals' agreement depends on who the clients are; call after participants change.</summary>
    public void RecomputeGoals(Engagement engagement)
    {
        foreach (var goal in _goals)
        {
            goal.Recompute(engagement);
        }
    }

    private void Touch(Guid by, DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
        UpdatedBy = by;
    }

    internal static string Clean(string? text, int max, string what, bool allowEmpty = false)
    {
        text = (text ?? "").Trim();
        if ((!allowEmpty && text.Length == 0) || text.Length > max)
        {
            throw new DomainException(allowEmpty ? $"{what} is at most {max} characters." : $"{what} needs 1 to {max} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["text"] = [allowEmpty ? $"At most {max} characters." : $"1 to {max} characters."] });
        }

        return text;
    }

    internal static string? CleanOptional(string? text, int max, string what)
    {
        text = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (text is { Length: var n } && n > max)
        {
            throw new DomainException($"{what} is at most {max} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["whyItMatters"] = [$"At most {max} characters."] });
        }

        return text;
    }
}
