using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Practices;

namespace Tandem.Features.Measures.Instruments;

internal sealed class PracticeInstrumentConfiguration : IEntityTypeConfiguration<PracticeInstrument>
{
    public void Configure(EntityTypeBuilder<PracticeInstrument> builder)
    {
        builder.ToTable("PracticeInstruments");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Key).HasMaxLength(PracticeInstrument.KeyMaxLength);
        builder.Property(i => i.Title).HasMaxLength(PracticeInstrument.TitleMaxLength);
        builder.Property(i => i.Version).HasMaxLength(PracticeInstrument.VersionMaxLength);
        builder.Property(i => i.SourceUrl).HasMaxLength(PracticeInstrument.SourceUrlMaxLength);
        builder.Property(i => i.ScoringMethod).HasMaxLength(PracticeInstrument.ScoringMethodMaxLength);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<Practice>().WithMany().HasForeignKey(i => i.PracticeId).OnDelete(DeleteBehavior.Restrict);
        // A key names one instrument within its practice (responses and schedules refer to it).
        builder.HasIndex(i => new { i.PracticeId, i.Key }).IsUnique();
    }
}
