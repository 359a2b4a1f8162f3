using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Proposals;

public enum ProposalKind
{
    ChangeFormat,
}

public enum ProposalStatus
{
    Pending,
    Applied,
    Declined,
}

/// <summary>
/// A change one participant asks the others to agree to. Who must agree depends on the kind
/// and the engagement's format; a declined proposal stays in the history. (The plan's goals,
/// focus and questions add their kinds here.)
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

    /// <summary>The change itself as JSON, e.g. {"format":"TherapistLed"}.</summary>
    public string Payload { get; private set; } = "{}";

    public Guid AuthorId { get; private set; }

    public string? Reason { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public ProposalStatus Status { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public IReadOnlyList<ProposalResponse> Responses => _responses;

    public static Proposal ChangeFormat(Engagement engagement, Guid authorId, EngagementFormat format, string? reason, DateTimeOffset now)
    {
        engagement.EnsureWritable();
        if (!Enum.IsDefined(format))
        {
            throw new DomainException("The format is ClientLed or TherapistLed.");
        }

        if (engagement.Format == format)
        {
            throw new DomainException($"The engagement is already {Describe(format)}.", DomainError.Conflict);
        }

        return new Proposal
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            Kind = ProposalKind.ChangeFormat,
            Payload = JsonSerializer.Serialize(new FormatPayload(format)),
            AuthorId = authorId,
            Reason = CleanReason(reason),
            CreatedAt = now,
            Status = ProposalStatus.Pending,
        };
    }

    public EngagementFormat ProposedFormat => JsonSerializer.Deserialize<FormatPayload>(Payload)!.Format;

    /// <summary>A format change needs every participant: all but the author must accept.</summary>
    public IReadOnlyList<Guid> RequiredResponders(Engagement engagement) =>
        engagement.ActiveParticipants.Select(p => p.UserId).Where(id => id != AuthorId).ToList();

    public IReadOnlyList<Guid> StillWaitingFor(Engagement engagement) =>
        RequiredResponders(engagement).Where(id => _responses.All(r => r.UserId != id)).ToList();

    /// <summary>Records an answer; applies the change when the last required "yes" arrives.</summary>
    public void Respond(Engagement engagement, Guid userId, bool accept, string? comment, DateTimeOffset now)
    {
        if (Status != ProposalStatus.Pending)
        {
            throw new DomainException("This proposal has already been decided.", DomainError.Conflict);
        }

        if (userId == AuthorId)
        {
            throw new DomainException("You cannot answer your own proposal; the others in the engagement do.", DomainError.Conflict);
        }

        if (!RequiredResponders(engagement).Contains(userId))
        {
            throw DomainException.NotFound();
        }

        if (_responses.Any(r => r.UserId == userId))
        {
            throw new DomainException("You have already answered this proposal.", DomainError.Conflict);
        }

        engagement.EnsureWritable();
        _responses.Add(ProposalResponse.Create(this, userId, accept, comment, now));
        if (!accept)
        {
            Status = ProposalStatus.Declined;
            DecidedAt = now;
            return;
        }

        if (StillWaitingFor(engagement).Count == 0)
        {
            Apply(engagement, now);
        }
    }

    private void Apply(Engagement engagement, DateTimeOffset now)
    {
        switch (Kind)
        {
            case ProposalKind.ChangeFormat:
                engagement.ChangeFormat(ProposedFormat);
                break;
            default:
                throw new InvalidOperationException($"No rule applies {Kind}.");
        }

        Status = ProposalStatus.Applied;
        DecidedAt = now;
    }

    public static string Describe(EngagementFormat format) => format == EngagementFormat.ClientLed ? "client-led" : "therapist-led";

    internal static string? CleanReason(string? reason)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > ReasonMaxLength })
        {
            throw new DomainException($"A reason is at most {ReasonMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["reason"] = [$"At most {ReasonMaxLength} characters."] });
        }

        return reason;
    }

    private sealed record FormatPayload(EngagementFormat Format);
}

public sealed class ProposalResponse : IPracticeScoped
{
    private ProposalResponse()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid ProposalId { get; private set; }

    public Guid UserId { get; private set; }

    public bool Accepted { get; private set; }

    public string? Comment { get; private set; }

    public DateTimeOffset At { get; private set; }

    internal static ProposalResponse Create(Proposal proposal, Guid userId, bool accepted, string? comment, DateTimeOffset now) => new()
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
        builder.Property(p => p.Reason).HasMaxLength(Proposal.ReasonMaxLength);
        builder.Ignore(p => p.ProposedFormat);
        builder.HasMany(p => p.Responses).WithOne().HasForeignKey(r => r.ProposalId).OnDelete(DeleteBehavior.Restrict);
        builder.Navigation(p => p.Responses).HasField("_responses").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(p => p.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.PracticeId, p.EngagementId, p.CreatedAt });
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
        builder.HasIndex(r => new { r.ProposalId, r.UserId }).IsUnique();
    }
}
