using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Features.Practices;

internal sealed class PracticeSettingsConfiguration : IEntityTypeConfiguration<PracticeSettings>
{
    public void Configure(EntityTypeBuilder<PracticeSettings> builder)
    {
        builder.ToTable("PracticeSettings");
        builder.HasKey(s => s.PracticeId);
        builder.Property(s => s.PracticeId).ValueGeneratedNever();
        builder.Property(s => s.ExpectedReply).HasMaxLength(PracticeSettings.ExpectedReplyMaxLength);
        builder.Property(s => s.CrisisInformation).HasMaxLength(PracticeSettings.CrisisInformationMaxLength);
        builder.HasOne<Practice>().WithOne().HasForeignKey<PracticeSettings>(s => s.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}
