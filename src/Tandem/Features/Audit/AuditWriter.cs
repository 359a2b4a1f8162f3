using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Audit;

/// <summary>
/// One writer per process for audit entries that do not ride on a change (reads, refusals,
/// sign-ins). It commits them in small batches (group commit), so a page view costs a share
/// of one transaction instead of one of its own; each caller waits for its batch.
/// </summary>
public sealed class AuditWriter(IServiceScopeFactory scopes, ILogger<AuditWriter> logger, AuditChainKeys keys) : BackgroundService
{
    private const int MaxBatch = 1024;

    /// <summary>The audit chain key every entry of this process is made with.</summary>
    internal AuditChainKeys Keys => keys;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    public Task WriteAsync(AuditEvent e, CancellationToken ct = default) => WriteManyAsync([e], ct);

    /// <summary>
    /// Several entries queued as one: they go into the same batch, so a page's entries cost one commit. Queued one by
    /// one, the writer could wake on the first and commit it alone, then the rest in a second transaction.
    /// </summary>
    public Task WriteManyAsync(IReadOnlyList<AuditEvent> entries, CancellationToken ct = default)
    {
        var pending = new Pending(entries, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The audit writer has stopped; the request cannot be recorded.");
        }

        // The caller may stop waiting, but the entry is still written.
        return pending.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var entries = 0;
                while (entries < MaxBatch && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                    entries += next.Events.Count;
                }

                await CommitAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: write what is queued, then refuse new entries.
        }

        _queue.Writer.TryComplete();
        batch.Clear();
        while (_queue.Reader.TryRead(out var rest))
        {
            batch.Add(rest);
        }

        if (batch.Count > 0)
        {
            await CommitAsync(batch, CancellationToken.None);
        }
    }

    private async Task CommitAsync(List<Pending> batch, CancellationToken ct)
    {
        var started = Infrastructure.Observability.TandemMetrics.Start();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            using var system = db.Tenant.AsSystem();
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await AuditChain.AppendAsync(db, keys, batch.SelectMany(p => p.Events).ToList(), ct);
                await tx.CommitAsync(ct);
            });
            Infrastructure.Observability.TandemMetrics.AuditBatchCommitted(batch.Sum(p => p.Events.Count), Infrastructure.Observability.TandemMetrics.Since(started));
            foreach (var p in batch)
            {
                p.Done.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Could not write {Count} audit entries", batch.Sum(p => p.Events.Count));
            foreach (var p in batch)
            {
                p.Done.TrySetException(new InvalidOperationException("The audit entry could not be written.", ex));
            }
        }
    }

    private sealed record Pending(IReadOnlyList<AuditEvent> Events, TaskCompletionSource Done);
}
