using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;

namespace Tandem.Features.Plans;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> builder)
    {
        builder.ToTable("Plans");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Focus).HasMaxLength(Plan.FocusMaxLength);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => p.EngagementId).IsUnique();
        builder.HasOne<Engagement>().WithMany().HasForeignKey(p => p.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Goals).WithOne().HasForeignKey(g => g.PlanId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Questions).WithOne().HasForeignKey(q => q.PlanId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Commitments).WithOne().HasForeignKey(c => c.PlanId).OnDelete(DeleteBehavior.Restrict);
        builder.Navigation(p => p.Goals).HasField("_goals").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Navigation(p => p.Questions).HasField("_questions").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Navigation(p => p.Commitments).HasField("_commitments").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class GoalConfiguration : IEntityTypeConfiguration<Goal>
{
    public void Configure(EntityTypeBuilder<Goal> builder)
    {
        builder.ToTable("Goals");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.Text).HasMaxLength(Plan.TextMaxLength);
        builder.Property(g => g.WhyItMatters).HasMaxLength(Plan.WhyMaxLength);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasMany(g => g.Agreements).WithOne().HasForeignKey(a => a.GoalId).OnDelete(DeleteBehavior.Restrict);
        builder.Navigation(g => g.Agreements).HasField("_agreements").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class GoalAgreementConfiguration : IEntityTypeConfiguration<GoalAgreement>
{
    public void Configure(EntityTypeBuilder<GoalAgreement> builder)
    {
        builder.ToTable("GoalAgreements");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasIndex(a => new { a.GoalId, a.ClientId }).IsUnique();
    }
}

internal sealed class OpenQuestionConfiguration : IEntityTypeConfiguration<OpenQuestion>
{
    public void Configure(EntityTypeBuilder<OpenQuestion> builder)
    {
        builder.ToTable("OpenQuestions");
        builder.HasKey(q => q.Id);
        builder.Property(q => q.Id).ValueGeneratedNever();
        builder.Property(q => q.Text).HasMaxLength(Plan.TextMaxLength);
    }
}

internal sealed class CommitmentConfiguration : IEntityTypeConfiguration<Commitment>
{
    public void Configure(EntityTypeBuilder<Commitment> builder)
    {
        builder.ToTable("Commitments");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Text).HasMaxLength(Plan.TextMaxLength);
        builder.HasIndex(c => new { c.PracticeId, c.OwnerId, c.DoneAt });
    }
}

internal sealed class GoalRatingConfiguration : IEntityTypeConfiguration<GoalRating>
{
    public void Configure(EntityTypeBuilder<GoalRating> builder)
    {
        builder.ToTable("GoalRatings");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.RaterRole).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => new { r.PracticeId, r.EngagementId, r.GoalId, r.At });
        builder.HasOne<Goal>().WithMany().HasForeignKey(r => r.GoalId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PlanVersionConfiguration : IEntityTypeConfiguration<PlanVersion>
{
    public void Configure(EntityTypeBuilder<PlanVersion> builder)
    {
        builder.ToTable("PlanVersions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.Property(v => v.Changes).HasMaxLength(64_000);
        builder.Property(v => v.Snapshot).HasMaxLength(256_000);
        builder.HasIndex(v => new { v.PracticeId, v.EngagementId, v.Number }).IsUnique();
    }
}
