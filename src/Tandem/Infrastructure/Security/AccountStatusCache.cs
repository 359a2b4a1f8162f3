using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tandem.Data;

namespace Tandem.Infrastructure.Security;

public sealed record AccountStatus(bool IsActive, string? SecurityStamp);

/// <summary>
/// Whether an account may still act, checked on every authenticated request for cookies and
/// tokens alike. Cached briefly per node; the node that deactivates an account drops its
/// entry at once, other nodes follow within <see cref="SecurityOptions.AccountStatusCacheDuration"/>.
/// </summary>
public sealed class AccountStatusCache
{
    private readonly Func<Guid, CancellationToken, Task<AccountStatus?>> _load;
    private readonly IMemoryCache _cache;
    private readonly IOptions<SecurityOptions> _options;

    // Bumped by every invalidation. A read that overlapped one may have seen the row before the
    // change was committed: it answers its own request but is not kept, or a new security stamp
    // (a password change, a new authenticator key) would sign the person out of their own,
    // refreshed session for the length of the cache.
    private long _generation;

    public AccountStatusCache(IServiceScopeFactory scopes, IMemoryCache cache, IOptions<SecurityOptions> options)
        : this((userId, ct) => LoadAsync(scopes, userId, ct), cache, options)
    {
    }

    internal AccountStatusCache(Func<Guid, CancellationToken, Task<AccountStatus?>> load, IMemoryCache cache, IOptions<SecurityOptions> options)
    {
        _load = load;
        _cache = cache;
        _options = options;
    }

    public async ValueTask<AccountStatus?> GetAsync(Guid userId, CancellationToken ct = default)
    {
        var key = Key(userId);
        if (_cache.TryGetValue(key, out AccountStatus? status))
        {
            return status;
        }

        var generation = Interlocked.Read(ref _generation);
        status = await _load(userId, ct);
        if (Interlocked.Read(ref _generation) == generation)
        {
            _cache.Set(key, status, _options.Value.AccountStatusCacheDuration);
        }

        return status;
    }

    public void Invalidate(Guid userId)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove(Key(userId));
    }

    private static async Task<AccountStatus?> LoadAsync(IServiceScopeFactory scopes, Guid userId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.AsSystem())
        {
            return await db.Users.AsNoTracking()
                .Where(u => u.Id == userId)
                .Select(u => new AccountStatus(u.IsActive, u.SecurityStamp))
                .FirstOrDefaultAsync(ct);
        }
    }

    private static string Key(Guid userId) => $"account-status:{userId:N}";
}
