using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Agreements;

/// <summary>A version of the practice's collaboration agreement. Published versions never change.</summary>
public sealed class AgreementVersion : IPracticeScoped
{
    private AgreementVersion()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public int Number { get; private set; }

    [MultiLine]
    public string Text { get; private set; } = "";

    /// <summary>SHA-256 of the text: what a signature binds to.</summary>
    public string Hash { get; private set; } = "";

    public DateTimeOffset PublishedAt { get; private set; }

    public static AgreementVersion Publish(Guid practiceId, int number, string text, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = practiceId,
        Number = number,
        Text = text,
        Hash = HashOf(text),
        PublishedAt = now,
    };

    public static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>One participant's signature of one agreement version in one engagement.</summary>
public sealed class AgreementSignature : IPracticeScoped
{
    private AgreementSignature()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    public Guid UserId { get; private set; }

    public Guid AgreementVersionId { get; private set; }

    public string VersionHash { get; private set; } = "";

    public DateTimeOffset SignedAt { get; private set; }

    public string? SourceAddress { get; private set; }

    public DateTimeOffset? WithdrawnAt { get; private set; }

    public static AgreementSignature Sign(Engagement engagement, Guid userId, AgreementVersion version, string? sourceAddress, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = engagement.PracticeId,
        EngagementId = engagement.Id,
        UserId = userId,
        AgreementVersionId = version.Id,
        VersionHash = version.Hash,
        SignedAt = now,
        SourceAddress = sourceAddress is { Length: > 64 } ? sourceAddress[..64] : sourceAddress,
    };

    public void Withdraw(DateTimeOffset now) => WithdrawnAt ??= now;
}

internal sealed class AgreementVersionConfiguration : IEntityTypeConfiguration<AgreementVersion>
{
    public void Configure(EntityTypeBuilder<AgreementVersion> builder)
    {
        builder.ToTable("AgreementVersions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.Property(v => v.Text).HasMaxLength(20_000);
        builder.Property(v => v.Hash).HasMaxLength(64);
        builder.HasIndex(v => new { v.PracticeId, v.Number }).IsUnique();
    }
}

internal sealed class AgreementSignatureConfiguration : IEntityTypeConfiguration<AgreementSignature>
{
    public void Configure(EntityTypeBuilder<AgreementSignature> builder)
    {
        builder.ToTable("AgreementSignatures");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.VersionHash).HasMaxLength(64);
        builder.Property(s => s.SourceAddress).HasMaxLength(64);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(s => s.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AgreementVersion>().WithMany().HasForeignKey(s => s.AgreementVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.PracticeId, s.EngagementId, s.UserId });
    }
}
