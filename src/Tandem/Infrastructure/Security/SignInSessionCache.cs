using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tandem.Data;

namespace Tandem.Infrastructure.Security;

/// <summary>What a request needs to know about its sign-in session. <see cref="LastSeenAt"/> is what this node last wrote.</summary>
public sealed class SignInSessionStatus(Guid userId, bool isOpen, DateTimeOffset lastSeenAt)
{
    public Guid UserId { get; } = userId;

    public bool IsOpen { get; } = isOpen;

    private long _lastSeenTicks = lastSeenAt.UtcTicks;

    public DateTimeOffset LastSeenAt
    {
        get => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _lastSeenTicks, value.UtcTicks);
    }
}

/// <summary>
/// Whether a sign-in session is still open, checked on every authenticated request (cookie or token),
/// so it is cached per node. Ending a session drops the entry on this node at once through
/// <see cref="ISignInRevocations"/>; other nodes follow within <see cref="SecurityOptions.AccountStatusCacheDuration"/>
/// until that interface is carried across nodes (issue 27). Also writes "last seen", at most once a minute.
/// </summary>
public sealed class SignInSessionCache
{
    /// <summary>How stale "last seen" may get before a request writes it again (one small UPDATE per session per interval).</summary>
    public static readonly TimeSpan LastSeenInterval = TimeSpan.FromMinutes(1);

    private readonly IServiceScopeFactory _scopes;
    private readonly IMemoryCache _cache;
    private readonly IOptions<SecurityOptions> _options;

    // Bumped by every invalidation: a load that overlapped one may have read the row before the
    // session was ended, so it answers its own request but is not kept (see AccountStatusCache).
    private long _generation;

    public SignInSessionCache(IServiceScopeFactory scopes, IMemoryCache cache, IOptions<SecurityOptions> options)
    {
        _scopes = scopes;
        _cache = cache;
        _options = options;
    }

    public async ValueTask<SignInSessionStatus?> GetAsync(Guid sessionId, CancellationToken ct = default)
    {
        var key = Key(sessionId);
        if (_cache.TryGetValue(key, out SignInSessionStatus? status))
        {
            return status;
        }

        var generation = Interlocked.Read(ref _generation);
        status = await LoadAsync(sessionId, ct);
        if (Interlocked.Read(ref _generation) == generation)
        {
            _cache.Set(key, status, _options.Value.AccountStatusCacheDuration);
        }

        return status;
    }

    /// <summary>Records that the session was used now, when the stored time is older than <see cref="LastSeenInterval"/>.</summary>
    public async ValueTask SeenAsync(Guid sessionId, SignInSessionStatus status, DateTimeOffset now, CancellationToken ct = default)
    {
        if (now - status.LastSeenAt < LastSeenInterval)
        {
            return;
        }

        status.LastSeenAt = now;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.AsSystem())
        {
            await db.SignInSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
        }
    }

    public void Invalidate(Guid sessionId)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove(Key(sessionId));
    }

    private async Task<SignInSessionStatus?> LoadAsync(Guid sessionId, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.AsSystem())
        {
            var row = await db.SignInSessions.AsNoTracking()
                .Where(s => s.Id == sessionId)
                .Select(s => new { s.UserId, s.EndedAt, s.LastSeenAt })
                .FirstOrDefaultAsync(ct);
            return row is null ? null : new SignInSessionStatus(row.UserId, row.EndedAt is null, row.LastSeenAt);
        }
    }

    private static string Key(Guid sessionId) => $"sign-in-session:{sessionId:N}";
}
