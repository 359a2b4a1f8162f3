using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Measures.Instruments;

/// <summary>
/// Parsed imported instruments, by row id. An import's content never changes after upload, so
/// a parse is good for the life of the process; only its status is read fresh each request.
/// </summary>
public sealed class ImportedInstrumentCache
{
    private const int Capacity = 2000;
    private readonly ConcurrentDictionary<Guid, Instrument> _parsed = new();

    public Instrument For(PracticeInstrument row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (_parsed.TryGetValue(row.Id, out var found))
        {
            return found;
        }

        if (_parsed.Count >= Capacity)
        {
            _parsed.Clear();
        }

        return _parsed.GetOrAdd(row.Id, _ => QuestionnaireImport.ToInstrument(row));
    }
}

/// <summary>
/// The instruments of the current practice: Tandem's built-ins (with all their rules) plus the
/// practice's imported ones. "For use" (new responses, schedules, the form) means built-in or
/// enabled; reading what was already answered also finds disabled ones. A draft is never found:
/// nothing can be answered before someone has seen its preview and enabled it.
/// </summary>
public sealed class PracticeInstruments(InstrumentCatalog catalog, TandemDbContext db, ImportedInstrumentCache cache)
{
    private readonly Dictionary<string, (Instrument Instrument, PracticeInstrumentStatus Status)?> _seen = new(StringComparer.Ordinal);

    public InstrumentCatalog BuiltIn => catalog;

    /// <summary>A built-in or an enabled instrument of this practice.</summary>
    public async Task<Instrument?> FindForUseAsync(string? id, CancellationToken ct = default)
    {
        if (catalog.Find(id) is { } builtIn)
        {
            return builtIn;
        }

        var found = await ImportedAsync(id, ct);
        return found is { Status: PracticeInstrumentStatus.Enabled } ? found.Value.Instrument : null;
    }

    /// <summary>A built-in, or an imported instrument that has been enabled at some time (to read answers given to it).</summary>
    public async Task<Instrument?> FindAsync(string? id, CancellationToken ct = default)
    {
        if (catalog.Find(id) is { } builtIn)
        {
            return builtIn;
        }

        var found = await ImportedAsync(id, ct);
        return found is { Status: not PracticeInstrumentStatus.Draft } ? found.Value.Instrument : null;
    }

    /// <summary>The built-ins, then the practice's enabled instruments by title.</summary>
    public async Task<IReadOnlyList<Instrument>> AllForUseAsync(CancellationToken ct = default)
    {
        var rows = await db.Set<PracticeInstrument>().AsNoTracking()
            .Where(i => i.Status == PracticeInstrumentStatus.Enabled)
            .OrderBy(i => i.Title).Take(200).ToListAsync(ct);
        return [.. catalog.All, .. rows.Select(cache.For)];
    }

    /// <summary>Several at once (lists of responses, exports): one query for the imported ones.</summary>
    public async Task<IReadOnlyDictionary<string, Instrument>> FindManyAsync(IEnumerable<string> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var result = new Dictionary<string, Instrument>(StringComparer.Ordinal);
        var imported = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (catalog.Find(id) is { } builtIn)
            {
                result[id] = builtIn;
            }
            else
            {
                imported.Add(id);
            }
        }

        if (imported.Count > 0)
        {
            var rows = await db.Set<PracticeInstrument>().AsNoTracking()
                .Where(i => imported.Contains(i.Key) && i.Status != PracticeInstrumentStatus.Draft).ToListAsync(ct);
            foreach (var row in rows)
            {
                result[row.Key] = cache.For(row);
            }
        }

        return result;
    }

    private async Task<(Instrument Instrument, PracticeInstrumentStatus Status)?> ImportedAsync(string? id, CancellationToken ct)
    {
        if (id is null || !QuestionnaireImport.IsValidKey(id))
        {
            return null;
        }

        if (_seen.TryGetValue(id, out var known))
        {
            return known;
        }

        // The global query filter keeps this inside the caller's practice.
        var row = await db.Set<PracticeInstrument>().AsNoTracking().FirstOrDefaultAsync(i => i.Key == id, ct);
        var found = row is null ? ((Instrument, PracticeInstrumentStatus)?)null : (cache.For(row), row.Status);
        _seen[id] = found;
        return found;
    }
}
