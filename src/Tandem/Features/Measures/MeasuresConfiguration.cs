using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;

namespace Tandem.Features.Measures;

internal sealed class MeasureResponseConfiguration : IEntityTypeConfiguration<MeasureResponse>
{
    public void Configure(EntityTypeBuilder<MeasureResponse> builder)
    {
        builder.ToTable("MeasureResponses");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.InstrumentId).HasMaxLength(40);
        builder.Property(r => r.Band).HasMaxLength(40);
        builder.Property(r => r.Flags).HasMaxLength(100);
        builder.Property(r => r.ReliableChange).HasMaxLength(20);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(MeasureResponse.IdempotencyKeyMaxLength);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Ignore(r => r.FlagList);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(r => r.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.PracticeId, r.EngagementId, r.InstrumentId, r.SubmittedAt });
        builder.HasIndex(r => new { r.EngagementId, r.RespondentId, r.InstrumentId, r.SubmittedAt });
        // A replayed submission (same Idempotency-Key) can never become a second row, even when
        // the replays race: the database refuses the second insert on either provider. Keys are
        // the sender's own: another person's key never collides with theirs.
        builder.HasIndex(r => new { r.RespondentId, r.EngagementId, r.IdempotencyKey }).IsUnique();
    }
}

internal sealed class ScoreObservationConfiguration : IEntityTypeConfiguration<ScoreObservation>
{
    public void Configure(EntityTypeBuilder<ScoreObservation> builder)
    {
        builder.ToTable("ScoreObservations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.System).HasMaxLength(120);
        builder.Property(o => o.Code).HasMaxLength(60);
        builder.Property(o => o.Display).HasMaxLength(120);
        builder.Property(o => o.Value).HasPrecision(9, 2);
        builder.HasOne<MeasureResponse>().WithMany().HasForeignKey(o => o.ResponseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => new { o.PracticeId, o.EngagementId, o.Code, o.EffectiveAt });
    }
}

internal sealed class MeasureAlertConfiguration : IEntityTypeConfiguration<MeasureAlert>
{
    public void Configure(EntityTypeBuilder<MeasureAlert> builder)
    {
        builder.ToTable("MeasureAlerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.InstrumentId).HasMaxLength(40);
        builder.Property(a => a.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(a => a.Rule).HasMaxLength(MeasureAlert.RuleMaxLength);
        builder.Property(a => a.ClosedReason).HasMaxLength(MeasureAlert.ClosedReasonMaxLength);
        builder.Ignore(a => a.IsOpen);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(a => a.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.PracticeId, a.EngagementId, a.AcknowledgedAt, a.RaisedAt });
        builder.HasIndex(a => new { a.PracticeId, a.EngagementId, a.ClosedAt });
    }
}

internal sealed class MeasureScheduleConfiguration : IEntityTypeConfiguration<MeasureSchedule>
{
    public void Configure(EntityTypeBuilder<MeasureSchedule> builder)
    {
        builder.ToTable("MeasureSchedules");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.InstrumentId).HasMaxLength(40);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Ignore(s => s.IsActive);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(s => s.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.PracticeId, s.EngagementId });
    }
}
