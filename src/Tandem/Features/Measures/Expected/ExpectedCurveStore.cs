using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tandem.Data;
using Tandem.Features.Measures.Scoring;

namespace Tandem.Features.Measures.Expected;

/// <summary>
/// Reads the stored curves of one instrument for a practice: its own and the installation's. Curves
/// change once a day (<see cref="ExpectedCurveRefresh"/>), so they are cached a few minutes and
/// never computed on a page view or a submission.
/// </summary>
public sealed class ExpectedCurveStore(TandemDbContext db, IMemoryCache cache)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    public async Task<ExpectedCurves> ForAsync(Guid practiceId, string instrumentId, CancellationToken ct = default)
    {
        if (StandardMeasure.For(instrumentId) is null)
        {
            return ExpectedCurves.None;
        }

        var key = ("expected-curves", practiceId, instrumentId);
        if (cache.TryGetValue(key, out ExpectedCurves? cached) && cached is not null)
        {
            return cached;
        }

        var own = await db.Set<PracticeCurvePoint>().AsNoTracking()
            .Where(p => p.PracticeId == practiceId && p.InstrumentId == instrumentId)
            .Select(p => new { p.Band, p.Courses, p.Session, p.Scores, p.P25, p.P50, p.P75 })
            .ToListAsync(ct);
        var shared = await db.Set<InstallationCurvePoint>().AsNoTracking()
            .Where(p => p.InstrumentId == instrumentId)
            .Select(p => new { p.Band, p.Courses, p.Session, p.Scores, p.P25, p.P50, p.P75 })
            .ToListAsync(ct);
        var curves = new ExpectedCurves(
            own.GroupBy(p => (p.Band, p.Courses)).Select(g => new ExpectedCurve(instrumentId, g.Key.Band, g.Key.Courses,
                g.OrderBy(p => p.Session).Select(p => new CurvePoint(p.Session, p.Scores, p.P25, p.P50, p.P75)).ToList())).ToList(),
            shared.GroupBy(p => (p.Band, p.Courses)).Select(g => new ExpectedCurve(instrumentId, g.Key.Band, g.Key.Courses,
                g.OrderBy(p => p.Session).Select(p => new CurvePoint(p.Session, p.Scores, p.P25, p.P50, p.P75)).ToList())).ToList());
        cache.Set(key, curves, CacheFor);
        return curves;
    }

    /// <summary>Forgets cached curves (after a refresh in this process).</summary>
    public static void Forget(IMemoryCache cache, IEnumerable<Guid> practiceIds)
    {
        ArgumentNullException.ThrowIfNull(cache);
        foreach (var practice in practiceIds)
        {
            foreach (var measure in StandardMeasure.All)
            {
                cache.Remove(("expected-curves", practice, measure.InstrumentId));
            }
        }
    }
}
