using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Audit;

/// <summary>
/// Emergency read access for a practice admin to one engagement: a reason is required, it
/// lasts one hour, every participant is told, and every read under it is audited as
/// break-glass and shows in their access log with the reason.
/// </summary>
public sealed class BreakGlassGrant : IPracticeScoped
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    public const int ReasonMinLength = 10;
    public const int ReasonMaxLength = 500;

    private BreakGlassGrant()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid AdminId { get; private set; }

    public string Reason { get; private set; } = "";

    public DateTimeOffset StartsAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public bool IsActive(DateTimeOffset now) => now >= StartsAt && now < ExpiresAt;

    public static BreakGlassGrant Open(Engagement engagement, Guid adminId, string? reason, DateTimeOffset now)
    {
        reason = (reason ?? "").Trim();
        if (reason.Length < ReasonMinLength || reason.Length > ReasonMaxLength)
        {
            throw new DomainException($"Emergency access needs a reason of {ReasonMinLength} to {ReasonMaxLength} characters. The participants will read it.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["reason"] = [$"{ReasonMinLength} to {ReasonMaxLength} characters."] });
        }

        return new BreakGlassGrant
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            AdminId = adminId,
            Reason = reason,
            StartsAt = now,
            ExpiresAt = now + Window,
        };
    }
}

internal sealed class BreakGlassGrantConfiguration : IEntityTypeConfiguration<BreakGlassGrant>
{
    public void Configure(EntityTypeBuilder<BreakGlassGrant> builder)
    {
        builder.ToTable("BreakGlassGrants");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.Reason).HasMaxLength(BreakGlassGrant.ReasonMaxLength);
        builder.HasIndex(g => new { g.PracticeId, g.EngagementId, g.ExpiresAt });
        builder.HasOne<Engagement>().WithMany().HasForeignKey(g => g.EngagementId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>Set by EngagementAccess when this request reads an engagement under break-glass; the audit trail marks its entries.</summary>
public sealed class BreakGlassContext
{
    public Guid? EngagementId { get; set; }
}
