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

internal sealed class VideoGuestConfiguration : IEntityTypeConfiguration<VideoGuest>
{
    public void Configure(EntityTypeBuilder<VideoGuest> builder)
    {
        builder.ToTable("VideoGuests");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.Name).HasMaxLength(VideoGuest.NameMaxLength);
        builder.Property(g => g.Role).HasMaxLength(VideoGuest.RoleMaxLength);
        builder.Property(g => g.TokenHash).HasMaxLength(64);
        builder.Property(g => g.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.ConnectionId).HasMaxLength(VideoParticipant.ConnectionIdMaxLength);
        builder.Property(g => g.Version).IsConcurrencyToken();
        builder.HasOne<Session>().WithMany().HasForeignKey(g => g.SessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(g => g.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(g => g.TokenHash).IsUnique();
        builder.HasIndex(g => g.SessionId);
    }
}
