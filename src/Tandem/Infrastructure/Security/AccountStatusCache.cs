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
public sealed class AccountStatusCache(IServiceScopeFactory scopes, IMemoryCache cache, IOptions<SecurityOptions> options)
{
    public async ValueTask<AccountStatus?> GetAsync(Guid userId, CancellationToken ct = default)
    {
        var key = Key(userId);
        if (cache.TryGetValue(key, out AccountStatus? status))
        {
            return status;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.AsSystem())
        {
            status = await db.Users.AsNoTracking()
                .Where(u => u.Id == userId)
                .Select(u => new AccountStatus(u.IsActive, u.SecurityStamp))
                .FirstOrDefaultAsync(ct);
        }

        cache.Set(key, status, options.Value.AccountStatusCacheDuration);
        return status;
    }

    public void Invalidate(Guid userId) => cache.Remove(Key(userId));

    private static string Key(Guid userId) => $"account-status:{userId:N}";
}
