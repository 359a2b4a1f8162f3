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
internal sealed class RedisWindowCounter(IConnectionMultiplexer redis, RedisNames names) : ISharedWindowCounter
{
    private const string Script = """
        local c = redis.call('INCR', KEYS[1])
        if c == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return c
        """;

    public long Increment(string key, TimeSpan window) =>
        (long)redis.GetDatabase().ScriptEvaluate(Script, [names.Key("rate:" + key)], [(long)window.TotalMilliseconds]);

    public async ValueTask<long> IncrementAsync(string key, TimeSpan window) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(Script, [names.Key("rate:" + key)], [(long)window.TotalMilliseconds]);
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
