using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Engagements;

namespace Tandem.Features.Messages;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("Messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Body).HasMaxLength(Message.BodyMaxLength);
        builder.Ignore(m => m.IsPrivate);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(m => m.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(m => m.AuthorId).OnDelete(DeleteBehavior.Restrict);

        // Two writers racing for the same position fail instead of both succeeding.
        builder.HasIndex(m => new { m.PracticeId, m.EngagementId, m.ThreadWith, m.Sequence }).IsUnique();
        // Lists, paging and unread counts: (practice, engagement, time).
        builder.HasIndex(m => new { m.PracticeId, m.EngagementId, m.CreatedAt });
    }
}

internal sealed class MessageReadStateConfiguration : IEntityTypeConfiguration<MessageReadState>
{
    public void Configure(EntityTypeBuilder<MessageReadState> builder)
    {
        builder.ToTable("MessageReadStates");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<Engagement>().WithMany().HasForeignKey(r => r.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.EngagementId, r.ThreadWith, r.UserId }).IsUnique();
        builder.HasIndex(r => new { r.PracticeId, r.UserId });
    }
}

internal sealed class EngagementMessagingSettingsConfiguration : IEntityTypeConfiguration<EngagementMessagingSettings>
{
    public void Configure(EntityTypeBuilder<EngagementMessagingSettings> builder)
    {
        builder.ToTable("EngagementMessagingSettings");
        builder.HasKey(s => s.EngagementId);
        builder.Property(s => s.EngagementId).ValueGeneratedNever();
        builder.HasOne<Engagement>().WithOne().HasForeignKey<EngagementMessagingSettings>(s => s.EngagementId).OnDelete(DeleteBehavior.Restrict);
    }
}
