using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Features.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Role).HasMaxLength(32);
        builder.Property(e => e.Action).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ObjectType).HasMaxLength(64);
        builder.Property(e => e.ObjectId).HasMaxLength(128);
        builder.Property(e => e.DataCategory).HasMaxLength(64);
        builder.Property(e => e.SourceAddress).HasMaxLength(64);
        builder.Property(e => e.Purpose).HasMaxLength(64);
        builder.Property(e => e.PreviousHash).HasMaxLength(64).IsFixedLength();
        builder.Property(e => e.Hash).HasMaxLength(64).IsFixedLength();
        builder.Property(e => e.KeyId).HasMaxLength(16);
        builder.HasIndex(e => new { e.PracticeId, e.Sequence }).IsUnique();
        builder.HasIndex(e => new { e.PracticeId, e.EngagementId, e.At });
        // An engagement's access log, newest first (ORDER BY Id DESC ... LIMIT): read in index order, never sorted.
        builder.HasIndex(e => new { e.PracticeId, e.EngagementId, e.Id });
        // One person's entries in an engagement, newest first: the log filtered to a person, "everyone but me" person by
        // person, and the hop from one person to the next that finds who has entries at all.
        builder.HasIndex(e => new { e.PracticeId, e.EngagementId, e.UserId, e.Id });
        builder.HasIndex(e => new { e.PracticeId, e.DataCategory, e.At });
        // The security log's entries only (a few thousand among millions of clinical reads), newest first.
        builder.HasIndex(e => new { e.PracticeId, e.Id }, "IX_AuditEntries_SecurityLog").HasFilter(SecurityAttention.IndexFilter);
    }
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> builder)
    {
        builder.ToTable("AuditChainHeads");
        builder.HasKey(h => h.PracticeId);
        builder.Property(h => h.PracticeId).ValueGeneratedNever();
        builder.Property(h => h.LastHash).HasMaxLength(64).IsFixedLength();
    }
}
