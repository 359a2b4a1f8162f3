using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;

namespace Tandem.Features.Engagements;

internal sealed class EngagementConfiguration : IEntityTypeConfiguration<Engagement>
{
    public void Configure(EntityTypeBuilder<Engagement> builder)
    {
        builder.ToTable("Engagements");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Title).HasMaxLength(Engagement.TitleMaxLength);
        builder.Property(e => e.Format).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.HasMany(e => e.Participants).WithOne().HasForeignKey(p => p.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.Navigation(e => e.Participants).HasField("_participants").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(e => e.ActiveParticipants);
        builder.Ignore(e => e.Clients);
        builder.Ignore(e => e.Therapists);
        builder.HasIndex(e => new { e.PracticeId, e.Status });
    }
}

internal sealed class ParticipantConfiguration : IEntityTypeConfiguration<Participant>
{
    public void Configure(EntityTypeBuilder<Participant> builder)
    {
        builder.ToTable("Participants");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Role).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.PracticeId, p.UserId, p.EngagementId });
        builder.HasIndex(p => new { p.EngagementId, p.UserId });
    }
}
