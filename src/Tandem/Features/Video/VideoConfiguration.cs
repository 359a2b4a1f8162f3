using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Sessions;

namespace Tandem.Features.Video;

internal sealed class VideoParticipantConfiguration : IEntityTypeConfiguration<VideoParticipant>
{
    public void Configure(EntityTypeBuilder<VideoParticipant> builder)
    {
        builder.ToTable("VideoParticipants");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.ConnectionId).HasMaxLength(VideoParticipant.ConnectionIdMaxLength);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasOne<Session>().WithMany().HasForeignKey(p => p.SessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.SessionId, p.UserId }).IsUnique();
        // A closed connection finds its person's place.
        builder.HasIndex(p => new { p.UserId, p.ConnectionId });
    }
}
