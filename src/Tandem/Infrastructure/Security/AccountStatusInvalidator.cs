using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Whenever an account row changes, the web tier forgets its cached status at once, so the change
/// takes effect on the next request. When its security stamp changes (deactivation, password, a new
/// authenticator key, two-factor turned off) every other sign-in session of that person ends on the
/// server too, with the reason, whichever page or use case made the change; the session making the
/// change (the person's own, when they changed their password) goes on. Inside a transaction the sessions end in it,
/// and the caches (every node's, through Redis) are told only once it has committed: told earlier, a request could read
/// the old account again before the change is visible, and keep it.
/// </summary>
internal sealed class AccountStatusInvalidator(ISignInRevocations revocations, IHttpContextAccessor http, TimeProvider time) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    /// <summary>What to tell the caches when a transaction commits.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Data.Common.DbTransaction, List<Action>> AfterCommit = [];

    private sealed record Change(Guid UserId, string? EndSessionsBecause);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<Change>> Pending = [];

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

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await FlushAsync(eventData.Context, cancellationToken);
        return await base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        // Synchronous saves (Identity's own store never uses them) still drop the caches; sessions end on the async path.
        if (eventData.Context is not null && Pending.TryGetValue(eventData.Context, out var changes))
        {
            Pending.Remove(eventData.Context);
            foreach (var change in changes)
            {
                Publish(eventData.Context, () => revocations.AccountChanged(change.UserId));
            }
        }

        return base.SavedChanges(eventData, result);
    }

    private static void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var changed = context.ChangeTracker.Entries<TandemUser>()
            .Where(e => e.State is EntityState.Modified or EntityState.Deleted)
            .Select(e => new Change(e.Entity.Id, EndSessionsBecause(e)))
            .ToList();
        // Contexts are pooled (TandemDbContext.Lease): what one save captured must never be flushed by a later save of
        // another request on the same context, so each save replaces it, and a failed save drops it.
        if (changed.Count > 0)
        {
            Pending.AddOrUpdate(context, changed);
        }
        else
        {
            Forget(context);
        }
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        Forget(eventData.Context);
        base.SaveChangesFailed(eventData);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return base.SaveChangesFailedAsync(eventData, cancellationToken);
    }

    public override void SaveChangesCanceled(DbContextEventData eventData)
    {
        Forget(eventData.Context);
        base.SaveChangesCanceled(eventData);
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return base.SaveChangesCanceledAsync(eventData, cancellationToken);
    }

    private static void Forget(DbContext? context)
    {
        if (context is not null)
        {
            Pending.Remove(context);
        }
    }

    private static string? EndSessionsBecause(EntityEntry<TandemUser> entry)
    {
        bool Changed(string property) => entry.Property(property).IsModified
            && !Equals(entry.Property(property).OriginalValue, entry.Property(property).CurrentValue);

        if (entry.State == EntityState.Deleted || Changed(nameof(TandemUser.IsActive)) && !entry.Entity.IsActive)
        {
            return SessionEndReasons.Deactivated;
        }

        if (!Changed(nameof(TandemUser.SecurityStamp)))
        {
            return null;
        }

        return Changed(nameof(TandemUser.PasswordHash)) ? SessionEndReasons.PasswordChanged : SessionEndReasons.SecurityChange;
    }

    private async Task FlushAsync(DbContext? context, CancellationToken ct)
    {
        if (context is not TandemDbContext db || !Pending.TryGetValue(context, out var changes))
        {
            return;
        }

        Pending.Remove(context);
        foreach (var change in changes)
        {
            var ended = change.EndSessionsBecause is { } reason ? await EndOtherSessionsAsync(db, change.UserId, reason, ct) : [];
            Publish(db, () =>
            {
                if (ended.Count > 0)
                {
                    revocations.SessionsEnded(ended);
                }

                revocations.AccountChanged(change.UserId);
            });
        }
    }

    /// <summary>Tells the caches now, or when the open transaction commits (never, if it rolls back).</summary>
    private static void Publish(DbContext context, Action tell)
    {
        if (context.Database.CurrentTransaction is { } open)
        {
            var list = AfterCommit.GetValue(Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(open), _ => []);
            lock (list)
            {
                list.Add(tell);
            }
        }
        else
        {
            tell();
        }
    }

    private static void Committed(System.Data.Common.DbTransaction transaction)
    {
        if (AfterCommit.TryGetValue(transaction, out var list))
        {
            AfterCommit.Remove(transaction);
            foreach (var tell in list)
            {
                tell();
            }
        }
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Committed(transaction);

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => AfterCommit.Remove(transaction);

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterCommit.Remove(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(System.Data.Common.DbTransaction transaction, TransactionErrorEventData eventData) => AfterCommit.Remove(transaction);

    public Task TransactionFailedAsync(System.Data.Common.DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterCommit.Remove(transaction);
        return Task.CompletedTask;
    }

    /// <summary>Ends every open session of the person but the one this request runs in (when it is theirs).</summary>
    private async Task<List<Guid>> EndOtherSessionsAsync(TandemDbContext db, Guid userId, string reason, CancellationToken ct)
    {
        var current = http.HttpContext?.User is { } user && user.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString()
            && Guid.TryParse(user.FindFirstValue(TandemClaims.SessionId), out var sid) && reason != SessionEndReasons.Deactivated
            ? sid
            : Guid.Empty;
        var now = time.GetUtcNow();
        using (db.Tenant.AsSystem())
        {
            var open = db.SignInSessions.Where(s => s.UserId == userId && s.EndedAt == null && s.Id != current);
            var ids = await open.Select(s => s.Id).ToListAsync(ct);
            if (ids.Count > 0)
            {
                await open.ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), ct);
            }

            return ids;
        }
    }
}
