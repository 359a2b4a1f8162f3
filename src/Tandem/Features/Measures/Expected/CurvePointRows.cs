using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Measures.Expected;

/// <summary>One point of a practice's own expected-response curve: quartiles of its finished courses' scores (aggregate, no person).</summary>
public sealed class PracticeCurvePoint : IPracticeScoped
{
    private PracticeCurvePoint()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public string InstrumentId { get; private set; } = "";

    public string Band { get; private set; } = "";

    /// <summary>Finished courses of the band the curve was built from.</summary>
    public int Courses { get; private set; }

    public int Session { get; private set; }

    public int Scores { get; private set; }

    public double P25 { get; private set; }

    public double P50 { get; private set; }

    public double P75 { get; private set; }

    public DateTimeOffset ComputedAt { get; private set; }

    internal static IEnumerable<PracticeCurvePoint> From(Guid practiceId, ExpectedCurve curve, DateTimeOffset at) => curve.Points.Select(p => new PracticeCurvePoint
    {
        Id = Guid.CreateVersion7(at),
        PracticeId = practiceId,
        InstrumentId = curve.InstrumentId,
        Band = curve.Band,
        Courses = curve.Courses,
        Session = p.Session,
        Scores = p.Scores,
        P25 = p.P25,
        P50 = p.P50,
        P75 = p.P75,
        ComputedAt = at,
    });
}

/// <summary>
/// One point of the installation's expected-response curve: quartiles over the finished courses of
/// every practice on this Tandem installation. An aggregate only: no practice id, no person, no
/// count of another practice's courses shown to anyone (docs/expected-response.md).
/// </summary>
public sealed class InstallationCurvePoint
{
    private InstallationCurvePoint()
    {
    }

    public Guid Id { get; private set; }

    public string InstrumentId { get; private set; } = "";

    public string Band { get; private set; } = "";

    public int Courses { get; private set; }

    public int Session { get; private set; }

    public int Scores { get; private set; }

    public double P25 { get; private set; }

    public double P50 { get; private set; }

    public double P75 { get; private set; }

    public DateTimeOffset ComputedAt { get; private set; }

    internal static IEnumerable<InstallationCurvePoint> From(ExpectedCurve curve, DateTimeOffset at) => curve.Points.Select(p => new InstallationCurvePoint
    {
        Id = Guid.CreateVersion7(at),
        InstrumentId = curve.InstrumentId,
        Band = curve.Band,
        Courses = curve.Courses,
        Session = p.Session,
        Scores = p.Scores,
        P25 = p.P25,
        P50 = p.P50,
        P75 = p.P75,
        ComputedAt = at,
    });
}

internal sealed class PracticeCurvePointConfiguration : IEntityTypeConfiguration<PracticeCurvePoint>
{
    public void Configure(EntityTypeBuilder<PracticeCurvePoint> builder)
    {
        builder.ToTable("PracticeCurvePoints");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.InstrumentId).HasMaxLength(40);
        builder.Property(p => p.Band).HasMaxLength(40);
        builder.HasIndex(p => new { p.PracticeId, p.InstrumentId, p.Band, p.Session }).IsUnique();
    }
}

internal sealed class InstallationCurvePointConfiguration : IEntityTypeConfiguration<InstallationCurvePoint>
{
    public void Configure(EntityTypeBuilder<InstallationCurvePoint> builder)
    {
        builder.ToTable("InstallationCurvePoints");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.InstrumentId).HasMaxLength(40);
        builder.Property(p => p.Band).HasMaxLength(40);
        builder.HasIndex(p => new { p.InstrumentId, p.Band, p.Session }).IsUnique();
    }
}
