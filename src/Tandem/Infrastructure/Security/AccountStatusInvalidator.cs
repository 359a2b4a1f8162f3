using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Features.Accounts;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Whenever an account row changes (deactivation, password change, new security stamp), this
/// node forgets its cached status at once, so the change takes effect on the next request.
/// </summary>
internal sealed class AccountStatusInvalidator(AccountStatusCache cache) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Flush(eventData.Context);
        return base.SavedChanges(eventData, result);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<Guid>> Pending = [];

    private static void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var changed = context.ChangeTracker.Entries<TandemUser>()
            .Where(e => e.State is EntityState.Modified or EntityState.Deleted)
            .Select(e => e.Entity.Id)
            .ToList();
        if (changed.Count > 0)
        {
            Pending.AddOrUpdate(context, changed);
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is not null && Pending.TryGetValue(context, out var ids))
        {
            Pending.Remove(context);
            foreach (var id in ids)
            {
                cache.Invalidate(id);
            }
        }
    }
}
