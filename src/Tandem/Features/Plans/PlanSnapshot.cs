using System.Text.Json;

namespace Tandem.Features.Plans;

/// <summary>The whole plan at one version, as kept in the history.</summary>
public sealed record PlanSnapshot(string Focus, IReadOnlyList<PlanSnapshot.GoalState> Goals, IReadOnlyList<string> Questions, IReadOnlyList<PlanSnapshot.CommitmentState> Commitments)
{
    public sealed record GoalState(Guid Id, string Text, string? WhyItMatters, string Status);

    public sealed record CommitmentState(Guid Id, string Text, Guid OwnerId, DateOnly? Due, bool Done);

    public static readonly PlanSnapshot Empty = new("", [], [], []);

    public static PlanSnapshot Of(Plan plan) => new(
        plan.Focus,
        plan.Goals.OrderBy(g => g.CreatedAt).Select(g => new GoalState(g.Id, g.Text, g.WhyItMatters, g.Status.ToString())).ToList(),
        plan.Questions.Where(q => q.ClosedAt is null).OrderBy(q => q.CreatedAt).Select(q => q.Text).ToList(),
        plan.Commitments.OrderBy(c => c.CreatedAt).Select(c => new CommitmentState(c.Id, c.Text, c.OwnerId, c.Due, c.DoneAt is not null)).ToList());

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static PlanSnapshot FromJson(string json) => JsonSerializer.Deserialize<PlanSnapshot>(json, Options) ?? Empty;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>One change between two versions, in words, with before and after for text.</summary>
public sealed record PlanChange(string What, string? Before, string? After);

public static class PlanDiff
{
    /// <summary>Everything that differs between two snapshots, in reading order.</summary>
    public static IReadOnlyList<PlanChange> Between(PlanSnapshot before, PlanSnapshot after, Func<Guid, string> nameOf)
    {
        var changes = new List<PlanChange>();
        if (before.Focus != after.Focus)
        {
            changes.Add(new PlanChange("Focus changed", Empty(before.Focus), Empty(after.Focus)));
        }

        var oldGoals = before.Goals.ToDictionary(g => g.Id);
        foreach (var goal in after.Goals)
        {
            if (!oldGoals.TryGetValue(goal.Id, out var old))
            {
                changes.Add(new PlanChange("Goal added", null, goal.Text));
                continue;
            }

            if (old.Text != goal.Text)
            {
                changes.Add(new PlanChange("Goal reworded", old.Text, goal.Text));
            }

            if (old.WhyItMatters != goal.WhyItMatters)
            {
                changes.Add(new PlanChange($"Why “{goal.Text}” matters", old.WhyItMatters, goal.WhyItMatters));
            }

            if (old.Status != goal.Status)
            {
                changes.Add(new PlanChange($"Goal “{goal.Text}” is now {Words(goal.Status)}", Words(old.Status), Words(goal.Status)));
            }
        }

        foreach (var question in after.Questions.Except(before.Questions))
        {
            changes.Add(new PlanChange("Question added", null, question));
        }

        var oldCommitments = before.Commitments.ToDictionary(c => c.Id);
        foreach (var c in after.Commitments)
        {
            if (!oldCommitments.TryGetValue(c.Id, out var old))
            {
                changes.Add(new PlanChange($"Commitment for {nameOf(c.OwnerId)}" + (c.Due is { } d ? $", due {d:d MMMM yyyy}" : ""), null, c.Text));
            }
            else if (!old.Done && c.Done)
            {
                changes.Add(new PlanChange($"Commitment done by {nameOf(c.OwnerId)}", null, c.Text));
            }
        }

        return changes;
    }

    public static string Words(string status) => status switch
    {
        nameof(GoalStatus.Proposed) => "waiting for everyone's agreement",
        nameof(GoalStatus.Agreed) => "agreed",
        nameof(GoalStatus.Achieved) => "achieved",
        nameof(GoalStatus.SetAside) => "set aside",
        _ => status,
    };

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}
