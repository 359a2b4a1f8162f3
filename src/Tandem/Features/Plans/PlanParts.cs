using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Plans;

/// <summary>A goal in the client's words. Agreed only when every client in the engagement agrees.</summary>
public sealed class Goal : IPracticeScoped
{
    private readonly List<GoalAgreement> _agreements = [];

    private Goal()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid PlanId { get; private set; }

    public string Text { get; private set; } = "";

    [MultiLine]
    public string? WhyItMatters { get; private set; }

    public GoalStatus Status { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyList<GoalAgreement> Agreements => _agreements;

    internal static Goal Create(Plan plan, string text, string? why, Guid by, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = plan.PracticeId,
        PlanId = plan.Id,
        Text = text,
        WhyItMatters = why,
        Status = GoalStatus.Proposed,
        CreatedBy = by,
        CreatedAt = now,
    };

    internal void AgreeBy(Guid clientId, DateTimeOffset now)
    {
        if (_agreements.All(a => a.ClientId != clientId))
        {
            _agreements.Add(GoalAgreement.Create(this, clientId, now));
        }
    }

    internal void Edit(string text, string? why, IEnumerable<Guid> agreeingClients, Engagement engagement, DateTimeOffset now)
    {
        EnsureOpen();
        var changed = Text != text;
        Text = text;
        WhyItMatters = why;
        if (changed)
        {
            // New words need everyone's agreement again; those who agreed to the edit keep theirs.
            var keep = agreeingClients.ToHashSet();
            _agreements.RemoveAll(a => !keep.Contains(a.ClientId));
            foreach (var client in keep)
            {
                AgreeBy(client, now);
            }
        }

        Recompute(engagement);
    }

    internal void SetAside()
    {
        if (Status == GoalStatus.SetAside)
        {
            throw new DomainException("This goal is already set aside.", DomainError.Conflict);
        }

        Status = GoalStatus.SetAside;
    }

    internal void Achieve()
    {
        EnsureOpen();
        Status = GoalStatus.Achieved;
    }

    internal void Recompute(Engagement engagement)
    {
        if (Status is GoalStatus.Achieved or GoalStatus.SetAside)
        {
            return;
        }

        var clients = engagement.Clients.Select(c => c.UserId).ToList();
        Status = clients.Count > 0 && clients.All(c => _agreements.Any(a => a.ClientId == c)) ? GoalStatus.Agreed : GoalStatus.Proposed;
    }

    private void EnsureOpen()
    {
        if (Status is GoalStatus.Achieved or GoalStatus.SetAside)
        {
            throw new DomainException("This goal is closed; add a new one instead.", DomainError.Conflict);
        }
    }
}

public sealed class GoalAgreement : IPracticeScoped
{
    private GoalAgreement()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid GoalId { get; private set; }

    public Guid ClientId { get; private set; }

    public DateTimeOffset At { get; private set; }

    internal static GoalAgreement Create(Goal goal, Guid clientId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = goal.PracticeId,
        GoalId = goal.Id,
        ClientId = clientId,
        At = now,
    };
}

/// <summary>"What we are curious about": mutual inquiry, living with uncertainty.</summary>
public sealed class OpenQuestion : IPracticeScoped
{
    private OpenQuestion()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid PlanId { get; private set; }

    public string Text { get; private set; } = "";

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    internal static OpenQuestion Create(Plan plan, string text, Guid by, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = plan.PracticeId,
        PlanId = plan.Id,
        Text = text,
        CreatedBy = by,
        CreatedAt = now,
    };
}

/// <summary>Something one participant, the therapist included, takes on. Overdue is visible to all.</summary>
public sealed class Commitment : IPracticeScoped
{
    private Commitment()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid PlanId { get; private set; }

    public string Text { get; private set; } = "";

    public Guid OwnerId { get; private set; }

    public DateOnly? Due { get; private set; }

    public DateTimeOffset? DoneAt { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsOverdue(DateOnly today) => DoneAt is null && Due is { } due && due < today;

    internal static Commitment Create(Plan plan, string text, Guid ownerId, DateOnly? due, Guid by, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = plan.PracticeId,
        PlanId = plan.Id,
        Text = text,
        OwnerId = ownerId,
        Due = due,
        CreatedBy = by,
        CreatedAt = now,
    };

    internal void Complete(DateTimeOffset now)
    {
        if (DoneAt is not null)
        {
            throw new DomainException("This commitment is already done.", DomainError.Conflict);
        }

        DoneAt = now;
    }
}

/// <summary>A 0-10 rating of progress toward one goal, by a client or (optionally) a therapist.</summary>
public sealed class GoalRating : IPracticeScoped
{
    private GoalRating()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid GoalId { get; private set; }

    public Guid RaterId { get; private set; }

    public ParticipantRole RaterRole { get; private set; }

    public int Value { get; private set; }

    /// <summary>Optional Goal Attainment Scaling level, -2..+2 (0 = the expected outcome).</summary>
    public int? Attainment { get; private set; }

    public DateTimeOffset At { get; private set; }

    public static GoalRating Create(Engagement engagement, Goal goal, Guid raterId, int value, int? attainment, DateTimeOffset now)
    {
        if (value is < 0 or > 10)
        {
            throw new DomainException("A rating is a whole number from 0 (no progress) to 10 (fully reached).", DomainError.Invalid,
                new Dictionary<string, string[]> { ["value"] = ["0 to 10."] });
        }

        if (attainment is < -2 or > 2)
        {
            throw new DomainException("Goal attainment is from -2 to +2.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["attainment"] = ["-2 to +2."] });
        }

        return new GoalRating
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            GoalId = goal.Id,
            RaterId = raterId,
            RaterRole = engagement.ParticipantFor(raterId)!.Role,
            Value = value,
            Attainment = attainment,
            At = now,
        };
    }
}

/// <summary>One version of the plan: who, when, through which proposal, what changed, and the whole state after.</summary>
public sealed class PlanVersion : IPracticeScoped
{
    private PlanVersion()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public int Number { get; private set; }

    public Guid AuthorId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public Guid? ProposalId { get; private set; }

    /// <summary>The changes in words, as JSON (<see cref="PlanChange"/> list).</summary>
    [MultiLine]
    public string Changes { get; private set; } = "[]";

    /// <summary>The plan after this version, as JSON (<see cref="PlanSnapshot"/>).</summary>
    [MultiLine]
    public string Snapshot { get; private set; } = "{}";

    public static PlanVersion Record(Plan plan, Guid authorId, Guid? proposalId, string changes, string snapshot, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = plan.PracticeId,
        EngagementId = plan.EngagementId,
        Number = plan.Version,
        AuthorId = authorId,
        At = now,
        ProposalId = proposalId,
        Changes = changes,
        Snapshot = snapshot,
    };
}
