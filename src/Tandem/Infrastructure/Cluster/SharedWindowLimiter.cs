using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace Tandem.Infrastructure.Cluster;

/// <summary>Counts requests in fixed windows, shared by every node.</summary>
public interface ISharedWindowCounter
{
    /// <summary>Counts one request under <paramref name="key"/> in the current window; the count including it.</summary>
    long Increment(string key, TimeSpan window);

    ValueTask<long> IncrementAsync(string key, TimeSpan window);
}

/// <summary>
/// One small script per request: count it, and start the window's clock on its first request (as
/// the framework's fixed window does); Redis drops the count when the window ends.
/// </summary>
internal sealed class RedisWindowCounter(IConnectionMultiplexer redis, RedisNames names, TimeProvider time, ILogger<RedisWindowCounter> logger) : ISharedWindowCounter
{
    private const string Script = """
        local c = redis.call('INCR', KEYS[1])
        if c == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return c
        """;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Count, DateTimeOffset Start)> _local = new(StringComparer.Ordinal);

    public long Increment(string key, TimeSpan window)
    {
        try
        {
            return (long)redis.GetDatabase().ScriptEvaluate(Script, [names.Key("rate:" + key)], [(long)window.TotalMilliseconds]);
        }
        catch (RedisException ex)
        {
            return Alone(key, window, ex);
        }
    }

    public async ValueTask<long> IncrementAsync(string key, TimeSpan window)
    {
        try
        {
            return (long)await redis.GetDatabase().ScriptEvaluateAsync(Script, [names.Key("rate:" + key)], [(long)window.TotalMilliseconds]);
        }
        catch (RedisException ex)
        {
            return Alone(key, window, ex);
        }
    }

    /// <summary>Redis away: this node counts alone (the limit then holds per node) rather than letting everything through or refusing everyone.</summary>
    private long Alone(string key, TimeSpan window, RedisException ex)
    {
        logger.LogError(ex, "Redis is unreachable: this node counts its rate limits alone");
        var now = time.GetUtcNow();
        return _local.AddOrUpdate(key, _ => (1, now), (_, c) => now - c.Start >= window ? (1, now) : (c.Count + 1, c.Start)).Count;
    }
}

/// <summary>
/// A fixed-window limiter whose counts live in <see cref="ISharedWindowCounter"/>: the same limit
/// for a client whichever node its requests reach. Used by the rate limiter's partitions when
/// several nodes share a Redis; it keeps no state of its own.
/// </summary>
public sealed class SharedWindowLimiter(ISharedWindowCounter counter, string key, int permitLimit, TimeSpan window) : RateLimiter
{
    public override TimeSpan? IdleDuration => TimeSpan.Zero;

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        permitCount == 0 ? Lease.Granted : Decide(counter.Increment(key, window));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        permitCount == 0 ? Lease.Granted : Decide(await counter.IncrementAsync(key, window));

    private Lease Decide(long count) => count <= permitLimit ? Lease.Granted : Lease.Refused(window);

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } r && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = r;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
