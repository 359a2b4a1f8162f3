namespace Tandem.Infrastructure.Tenancy;

/// <summary>
/// Marks a table that belongs to one practice (tenant). The DbContext applies one global
/// query filter to every such entity, so no query can read across practices, and refuses to
/// save a row whose practice differs from the caller's.
/// </summary>
public interface IPracticeScoped
{
    Guid PracticeId { get; }
}
