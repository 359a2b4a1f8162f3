using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Data;

/// <summary>
/// PostgreSQL row-level security, the database's own copy of the practice filter (docs/operations.md,
/// "PostgreSQL roles and row-level security"). Every practice-scoped table lets a command see and write
/// only the rows of the practice in <c>tandem.practice_id</c>, or every row when <c>tandem.system</c> is
/// <c>on</c>. Both are set here, for each command, from the <see cref="TenantContext"/> of the DbContext
/// that sends it, with <c>set_config(..., true)</c>: transaction-local, so a value ends with its
/// transaction and never stays on a pooled connection.
/// <list type="bullet">
/// <item>Outside a transaction, the setting is prefixed to the command's own text. Npgsql sends every
/// statement of one command before a single Sync, and PostgreSQL runs such a pipeline as one implicit
/// transaction: the setting holds for the command and ends with it.</item>
/// <item>Inside a transaction, it is set once (by the first command that needs it, again whenever the
/// scope changes) and remembered for that transaction; a rollback to a savepoint forgets it.</item>
/// <item>A save's batch cannot carry an extra statement (the provider reads each statement's row count
/// by position), so saves on PostgreSQL always run in a transaction and the setting goes ahead of the
/// batch in it.</item>
/// </list>
/// No practice and no system scope (an anonymous request, the Data Protection key ring) needs no
/// setting: outside a transaction both are empty, which shows no practice-scoped row at all.
/// </summary>
internal sealed class PracticeRowSecurity : DbCommandInterceptor, IDbTransactionInterceptor
{
    public static readonly PracticeRowSecurity Instance = new();

    private const string Prefix = "SELECT set_config('tandem.practice_id', ";

    /// <summary>The scope each open transaction has in force ("" when none was set; null when unknown).</summary>
    private static readonly ConditionalWeakTable<DbTransaction, InForce> Transactions = [];

    private sealed class InForce(string? scope)
    {
        public string? Scope = scope;
    }

    private enum Shape
    {
        Reader,
        NonQuery,
        Scalar,
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Apply(command, eventData, Shape.Reader, async: false, default).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await Apply(command, eventData, Shape.Reader, async: true, cancellationToken);
        return result;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (IsPrefixed(command))
        {
            result.NextResult();
        }

        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (IsPrefixed(command))
        {
            await result.NextResultAsync(cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Apply(command, eventData, Shape.NonQuery, async: false, default).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await Apply(command, eventData, Shape.NonQuery, async: true, cancellationToken);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Apply(command, eventData, Shape.Scalar, async: false, default).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await Apply(command, eventData, Shape.Scalar, async: true, cancellationToken);
        return result;
    }

    /// <summary>The scope of a tenant: "" (none), the practice id, or "system" with it.</summary>
    internal static string ScopeOf(TenantContext? tenant)
    {
        if (tenant is null)
        {
            return "";
        }

        var practice = tenant.PracticeId?.ToString("D", CultureInfo.InvariantCulture) ?? "";
        return tenant.IsSystem ? "system:" + practice : practice;
    }

    /// <summary>The statement that puts a scope in force. Both values are made here (a Guid, "on" or ""), never from input, so they are literals.</summary>
    internal static string SetStatement(string scope, bool withResult)
    {
        var system = scope.StartsWith("system:", StringComparison.Ordinal);
        var practice = system ? scope["system:".Length..] : scope;
        var setting = $"set_config('tandem.practice_id', '{practice}', true), set_config('tandem.system', '{(system ? "on" : "")}', true)";
        return withResult
            ? $"SELECT {setting};"
            : $"DO $$BEGIN PERFORM {setting}; END$$;";
    }

    private static bool IsPrefixed(DbCommand command) => command.CommandText.StartsWith(Prefix, StringComparison.Ordinal);

    private static async Task Apply(DbCommand command, CommandEventData eventData, Shape shape, bool async, CancellationToken ct)
    {
        // Migrations run on the owner's own connection, whose session is system scope (DatabaseSetup);
        // some of their statements must not share a transaction with anything.
        if (eventData.CommandSource == CommandSource.Migrations)
        {
            return;
        }

        var scope = ScopeOf((eventData.Context as TandemDbContext)?.Tenant);
        var transaction = command.Transaction;
        InForce? inForce = null;
        if (transaction is not null)
        {
            inForce = Transactions.GetValue(transaction, _ => new InForce(null));
            if (inForce.Scope == scope)
            {
                return;
            }
        }
        else if (scope.Length == 0)
        {
            return;
        }

        // A save's batch is read statement by statement, and a command with positional parameters is sent
        // as one statement: neither can take a prefix, so the setting goes ahead of them in their transaction.
        var positional = command.Parameters.Count > 0 && string.IsNullOrEmpty(command.Parameters[0].ParameterName);
        if (eventData.CommandSource == CommandSource.SaveChanges || positional)
        {
            if (transaction is null)
            {
                throw new InvalidOperationException(
                    "On PostgreSQL a save (or a command with positional parameters) must run in a transaction, so the practice scope of row-level security can be set ahead of it.");
            }

            await using var set = command.Connection!.CreateCommand();
            set.Transaction = transaction;
            set.CommandText = SetStatement(scope, withResult: false);
            if (async)
            {
                await set.ExecuteNonQueryAsync(ct);
            }
            else
            {
                set.ExecuteNonQuery();
            }
        }
        else
        {
            // A reader skips the setting's one-row result (ReaderExecuted); a scalar would read it, so it gets a statement without one.
            command.CommandText = SetStatement(scope, withResult: shape != Shape.Scalar) + "\n" + command.CommandText;
        }

        if (inForce is not null)
        {
            inForce.Scope = scope;
        }
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Transactions.AddOrUpdate(result, new InForce(""));
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TransactionStarted(connection, eventData, result));

    /// <summary>A transaction begun outside EF may have anything in force.</summary>
    public DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
    {
        Transactions.AddOrUpdate(result, new InForce(null));
        return result;
    }

    public ValueTask<DbTransaction> TransactionUsedAsync(DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TransactionUsed(connection, eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Transactions.Remove(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Transactions.Remove(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Transactions.Remove(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Transactions.Remove(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Transactions.Remove(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Transactions.Remove(transaction);
        return Task.CompletedTask;
    }

    /// <summary>A rollback to a savepoint also undoes settings made after it: set again before the next command.</summary>
    public void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData)
    {
        if (Transactions.TryGetValue(transaction, out var inForce))
        {
            inForce.Scope = null;
        }
    }

    public Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBackToSavepoint(transaction, eventData);
        return Task.CompletedTask;
    }
}
