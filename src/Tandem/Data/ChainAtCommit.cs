using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Data;

/// <summary>
/// Chains a transaction's audit entries and moves its data versions just before it commits, after every row it
/// changes: one lock order for every writer (rows, then the audit chain heads, then the versions; see
/// <see cref="Features.Audit.AuditChain"/>). A save that opens its own transaction commits at once, so its entries are
/// chained right after its rows; a unit of work of several saves in one transaction (accepting an invitation, converting
/// a first conversation) no longer holds the chain head from its first save while its later saves wait for rows another
/// writer holds, which was a deadlock with that writer on PostgreSQL.
/// </summary>
internal sealed class ChainAtCommit : DbTransactionInterceptor
{
    public static readonly ChainAtCommit Instance = new();

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is TandemDbContext db)
        {
            await db.BeforeCommitAsync(cancellationToken);
        }

        return result;
    }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is TandemDbContext db)
        {
            db.BeforeCommit();
        }

        return result;
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        (eventData.Context as TandemDbContext)?.ForgetBeforeCommit();
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        (eventData.Context as TandemDbContext)?.ForgetBeforeCommit();
        return ValueTask.FromResult(result);
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        (eventData.Context as TandemDbContext)?.ForgetBeforeCommit();

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData.Context as TandemDbContext)?.ForgetBeforeCommit();
        return Task.CompletedTask;
    }
}
