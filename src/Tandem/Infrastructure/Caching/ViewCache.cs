using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Security;

namespace Tandem.Infrastructure.Caching;

/// <summary>
/// The views a person opens all day (Today's caseload, the alerts card, the unread counts, ...) kept in memory for a
/// minute at most (issue 25), each for one person and under the practice's data version it was made under
/// (<see cref="DataVersion"/>). Any change to the practice's record moves the version in the change's own transaction,
/// so the next view after a write, by anyone, on any node, is made afresh; a person never sees a view older than their
/// own last write. A view served from memory records the same reads in the audit trail again, before it is shown,
/// under the person and the moment that really read them: the access log is the same whether it was kept or not.
/// </summary>
public sealed class ViewCache(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time, ViewCacheStore store, BreakGlassContext breakGlass)
{
    /// <summary>
    /// The view <paramref name="view"/> with <paramref name="args"/> for the signed-in person: kept, or made by
    /// <paramref name="make"/> (which must only read, and record its reads with <see cref="AuditTrail"/>). The result is
    /// shared by later requests, so it must not be changed by whoever receives it.
    /// </summary>
    public async Task<T> GetAsync<T>(string view, string args, Func<Task<T>> make, CancellationToken ct = default)
        where T : class
    {
        // Emergency access is never kept: each of its views is made, and recorded, as it happens.
        if (!store.Enabled || !me.IsSignedIn || me.Tenant.PracticeId is not { } practice || me.Tenant.IsSystem || breakGlass.EngagementId is not null)
        {
            return await make();
        }

        var now = time.GetUtcNow();
        var token = await DataVersions.CurrentAsync(db, practice, ct);
        var key = new Key(view, args, practice, token, me.Id, me.Role.ToString(), me.TimeZone, CultureInfo.CurrentCulture.Name, now.ToUnixTimeSeconds() / 60);
        if (store.TryGet(key, out var kept))
        {
            // Recorded before anything of it is shown, as when it was made.
            await audit.RecordAgainAsync(kept.Reads, ct);
            Observability.TandemMetrics.ViewLookedUp(view, hit: true);
            return (T)kept.Value;
        }

        var (value, capture) = await MakeAsync(make);
        Observability.TandemMetrics.ViewLookedUp(view, hit: false);
        // A view that needed emergency access (granted while it was made) is not kept either.
        if (!capture.Uncacheable && breakGlass.EngagementId is null)
        {
            store.Set(key, new Kept(value, capture.Events));
            KeptViews.AddOrUpdate(value, KeptMark);
        }

        return value;
    }

    // Its own async method: the capture holds for what make() does, and ends when this returns.
    private static async Task<(T Value, AuditCapture Capture)> MakeAsync<T>(Func<Task<T>> make)
    {
        var capture = AuditTrail.BeginCapture();
        var value = await make();
        return (value, capture);
    }

    /// <summary>The views kept for one person, for as long as each object lives.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> KeptViews = new();

    private static readonly object KeptMark = new();

    /// <summary>
    /// Whether <paramref name="view"/> is a view this cache keeps (for one person, data version and minute), not one made
    /// afresh for a single request: only such a view may carry what is drawn from it (<see cref="KeptMarkup"/>).
    /// </summary>
    public static bool IsKept(object view) => KeptViews.TryGetValue(view, out _);

    internal readonly record struct Key(string View, string Args, Guid PracticeId, Guid Token, Guid UserId, string Role, string TimeZone, string Culture, long Minute);

    internal sealed record Kept(object Value, IReadOnlyList<AuditEvent> Reads);
}

/// <summary>The process's kept views (<see cref="ViewCache"/>): at most <see cref="MaxViews"/>, each for at most a minute.</summary>
public sealed class ViewCacheStore : IDisposable
{
    public const int MaxViews = 4096;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxViews });

    public ViewCacheStore(bool enabled) => Enabled = enabled;

    /// <summary>Reads <c>Tandem:ViewCache</c> as the app is built (a value that is not true or false stops the start).</summary>
    public static ViewCacheStore From(IConfiguration config) => new(Hosting.Setting.Get(config, "Tandem:ViewCache", true));

    /// <summary><c>Tandem:ViewCache</c> (default true): false makes every view afresh, for comparison.</summary>
    public bool Enabled { get; }

    internal bool TryGet(ViewCache.Key key, out ViewCache.Kept kept) => _cache.TryGetValue(key, out kept!);

    internal void Set(ViewCache.Key key, ViewCache.Kept kept) =>
        _cache.Set(key, kept, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

    public void Dispose() => _cache.Dispose();
}
