using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Measures;

/// <summary>
/// A questionnaire offered to one client because something happened (today: CollaboRATE after a
/// plan change was agreed), open for a short while. It is answered like any questionnaire; the
/// offer only makes it show as asked for, and keeps when and why it was offered.
/// </summary>
public sealed class MeasureOffer : IPracticeScoped
{
    public const string PlanChangeAgreed = "PlanChangeAgreed";

    private MeasureOffer()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid RespondentId { get; private set; }

    public string InstrumentId { get; private set; } = "";

    /// <summary>Why it was offered (<see cref="PlanChangeAgreed"/>).</summary>
    public string Reason { get; private set; } = "";

    /// <summary>What it followed (the agreed proposal).</summary>
    public Guid? SourceId { get; private set; }

    public DateTimeOffset OfferedAt { get; private set; }

    public DateTimeOffset OpenUntil { get; private set; }

    public static MeasureOffer Create(Engagement engagement, Guid respondentId, string instrumentId, string reason, Guid? sourceId, DateTimeOffset now, TimeSpan open)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        return new MeasureOffer
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = engagement.PracticeId,
            EngagementId = engagement.Id,
            RespondentId = respondentId,
            InstrumentId = instrumentId,
            Reason = reason,
            SourceId = sourceId,
            OfferedAt = now,
            OpenUntil = now + open,
        };
    }

    /// <summary>Open now and not yet answered (an answer to the same instrument since the offer closes it).</summary>
    public bool IsOpen(DateTimeOffset now, DateTimeOffset? lastResponse) => now < OpenUntil && !(lastResponse >= OfferedAt);
}

internal sealed class MeasureOfferConfiguration : IEntityTypeConfiguration<MeasureOffer>
{
    public void Configure(EntityTypeBuilder<MeasureOffer> builder)
    {
        builder.ToTable("MeasureOffers");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.InstrumentId).HasMaxLength(40);
        builder.Property(o => o.Reason).HasMaxLength(40);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(o => o.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => new { o.PracticeId, o.EngagementId, o.RespondentId, o.InstrumentId, o.OfferedAt });
        builder.HasIndex(o => new { o.RespondentId, o.OpenUntil });
    }
}
