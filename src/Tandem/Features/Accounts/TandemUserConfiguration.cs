using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Practices;

namespace Tandem.Features.Accounts;

internal sealed class TandemUserConfiguration : IEntityTypeConfiguration<TandemUser>
{
    public void Configure(EntityTypeBuilder<TandemUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(TandemUser.DisplayNameMaxLength);
        builder.Property(u => u.Pronouns).HasMaxLength(TandemUser.PronounsMaxLength);
        builder.Property(u => u.TimeZone).HasMaxLength(64);
        builder.Property(u => u.Role).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<Practice>().WithMany().HasForeignKey(u => u.PracticeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => new { u.PracticeId, u.Role });
    }
}
