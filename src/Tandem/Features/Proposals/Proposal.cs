using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;
using Tandem.Features.Plans;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Proposals;

public enum ProposalKind
{
    AddGoal,
    EditGoal,
    RetireGoal,
    AchieveGoal,
    SetFocus,
    AddQuestion,
    ChangeFormat,
}

public enum ProposalStatus
{
    Pending,
    Applied,
    Declined,
}

/// <summary>
/// Every change to the plan (and to the format) is a proposal with author, reason and time.
/// Who must accept is fixed when it is made (<see cref="PlanRules"/>); a change the format lets
/// the author decide alone is applied at once and still kept here. Declined ones stay.
/// </summary>
public sealed class Proposal : IPracticeScoped
{
    public const int ReasonMaxLength = 1000;

    private readonly List<ProposalResponse> _responses = [];

    private Proposal()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public ProposalKind Kind { get; private set; }

    /// <summary>The change itself as JSON (<see cref="ProposalPayload"/>).</summary>
    [MultiLine]
    public string Payload { get; private set; } = "{}";

    public Guid AuthorId { get; private set; }

    [MultiLine]
    public string? Reason { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public ProposalStatus Status { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    /// <summary>Who was asked, as JSON (list of user ids), and whether one of them is enough.</summary>
    [MultiLine]
    public string Responders { get; private set; } = "[]";

    public bool AnyOneSuffices { get; private set; }

    /// <summary>Optimistic concurrency: two answers at the same moment cannot both decide it.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ProposalResponse> Responses => _responses;

    public ProposalPayload Data => JsonSerializer.Deserialize<ProposalPayload>(Payload, JsonOptions)!;

    public IReadOnlyList<Guid> AskedOf => JsonSerializer.Deserialize<List<Guid>>(Responders) ?? [];

    public static Proposal Create(Engagement engagement, Guid authorId, ProposalKind kind, ProposalPayload payload, string? reason, DateTimeOffset now)
    {
        engagement.EnsureWritable();
        if (!Enum.IsDefined(kind))
        {
            throw new DomainException("Unknown kind of change.");
        }

        var approval = PlanRules.For(engagement, authorId, kind == ProposalKind.ChangeFormat);
        return new Proposal
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            Kind = kind,
            Payload = JsonSerializer.Serialize(payload, JsonOptions),
            AuthorId = authorId,
            Reason = CleanReason(reason),
            CreatedAt = now,
            Status = ProposalStatus.Pending,
            Responders = JsonSerializer.Serialize(approval.Responders),
            AnyOneSuffices = approval.AnyOneSuffices,
        };
    }

    public bool AppliesAtOnce => AskedOf.Count == 0;

    public IReadOnlyList<Guid> StillWaitingFor() =>
        Status != ProposalStatus.Pending ? []
        : AnyOneSuffices ? (_responses.Any(r => r.Accepted == true) ? [] : AskedOf.Where(id => _responses.All(r => r.UserId != id)).ToList())
        : AskedOf.Where(id => _responses.All(r => r.UserId != id || r.Accepted is null)).ToList();

    public bool CanAnswer(Guid userId) =>
        Status == ProposalStatus.Pending && AskedOf.Contains(userId) && _responses.All(r => r.UserId != userId || r.Accepted is null);

    /// <summary>Records an answer; returns true when the change should now be applied.</summary>
    public bool Respond(Engagement engagement, Guid userId, bool accept, string? comment, DateTimeOffset now)
    {
        if (Status != ProposalStatus.Pending)
        {
            throw new DomainException("This proposal has already been decided.", DomainError.Conflict);
        }

        if (userId == AuthorId)
        {
            throw new DomainException("You cannot answer your own proposal; the others in the engagement do.", DomainError.Conflict);
        }

        if (!AskedOf.Contains(userId))
        {
            throw new DomainException("This proposal is for others in the engagement to answer. You can comment on it.", DomainError.Conflict);
        }

        if (_responses.Any(r => r.UserId == userId && r.Accepted is not null))
        {
            throw new DomainException("You have already answered this proposal.", DomainError.Conflict);
        }

        engagement.EnsureWritable();
        _responses.Add(ProposalResponse.Create(this, userId, accept, comment, now));
        Version++;
        if (!accept)
        {
            Status = ProposalStatus.Declined;
            DecidedAt = now;
            return false;
        }

        return StillWaitingFor().Count == 0;
    }

    /// <summary>A comment without a decision, e.g. a therapist on a change a client made in a client-led engagement.</summary>
    public void Comment(Guid userId, string comment, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new DomainException("Write a comment first.", DomainError.Invalid, new Dictionary<string, string[]> { ["comment"] = ["Required."] });
        }

        _responses.Add(ProposalResponse.Create(this, userId, null, comment, now));
        Version++;
    }

    public void MarkApplied(DateTimeOffset now)
    {
        Status = ProposalStatus.Applied;
        DecidedAt = now;
        Version++;
    }

    /// <summary>The clients who stand behind this change: its author if a client, and clients who accepted.</summary>
    public IReadOnlyList<Guid> AgreeingClients(Engagement engagement) =>
        _responses.Where(r => r.Accepted == true).Select(r => r.UserId).Append(AuthorId)
            .Where(engagement.IsClient).Distinct().ToList();

    internal static string? CleanReason(string? reason)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > ReasonMaxLength })
        {
            throw new DomainException($"A reason or comment is at most {ReasonMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["reason"] = [$"At most {ReasonMaxLength} characters."] });
        }

        return reason;
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>What a proposal changes; which fields are used depends on the kind.</summary>
public sealed record ProposalPayload(string? Text = null, string? WhyItMatters = null, Guid? GoalId = null, EngagementFormat? Format = null);

public sealed class ProposalResponse : IPracticeScoped
{
    private ProposalResponse()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid ProposalId { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>True accepted, false declined, null a comment only.</summary>
    public bool? Accepted { get; private set; }

    [MultiLine]
    public string? Comment { get; private set; }

    public DateTimeOffset At { get; private set; }

    internal static ProposalResponse Create(Proposal proposal, Guid userId, bool? accepted, string? comment, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = proposal.PracticeId,
        ProposalId = proposal.Id,
        UserId = userId,
        Accepted = accepted,
        Comment = Proposal.CleanReason(comment),
        At = now,
    };
}

internal sealed class ProposalConfiguration : IEntityTypeConfiguration<Proposal>
{
    public void Configure(EntityTypeBuilder<Proposal> builder)
    {
        builder.ToTable("Proposals");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Payload).HasMaxLength(8000);
        builder.Property(p => p.Responders).HasMaxLength(4000);
        builder.Property(p => p.Reason).HasMaxLength(Proposal.ReasonMaxLength);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Ignore(p => p.Data);
        builder.Ignore(p => p.AskedOf);
        builder.Ignore(p => p.AppliesAtOnce);
        builder.HasMany(p => p.Responses).WithOne().HasForeignKey(r => r.ProposalId).OnDelete(DeleteBehavior.Restrict);
        builder.Navigation(p => p.Responses).HasField("_responses").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(p => p.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.PracticeId, p.EngagementId, p.CreatedAt });
        builder.HasIndex(p => new { p.PracticeId, p.EngagementId, p.Status });
    }
}

internal sealed class ProposalResponseConfiguration : IEntityTypeConfiguration<ProposalResponse>
{
    public void Configure(EntityTypeBuilder<ProposalResponse> builder)
    {
        builder.ToTable("ProposalResponses");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Comment).HasMaxLength(Proposal.ReasonMaxLength);
        builder.HasIndex(r => new { r.ProposalId, r.UserId });
    }
}
