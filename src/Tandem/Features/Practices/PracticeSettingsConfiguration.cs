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
        builder.Property(s => s.Address).HasMaxLength(PracticeSettings.AddressMaxLength);
        builder.Property(s => s.OnlineSessionPolicy).HasMaxLength(PracticeSettings.OnlineSessionPolicyMaxLength);
        builder.Property(s => s.ReminderHoursBefore).HasDefaultValue(PracticeSettings.DefaultReminderHours);
        builder.Property(s => s.BrandColour).HasMaxLength(7);
        builder.Property(s => s.DefaultMeasuresJson).HasMaxLength(2000);
        builder.Property(s => s.LogoContentType).HasMaxLength(20);
        builder.HasOne<Practice>().WithOne().HasForeignKey<PracticeSettings>(s => s.PracticeId).OnDelete(DeleteBehavior.Restrict);
    }
}
