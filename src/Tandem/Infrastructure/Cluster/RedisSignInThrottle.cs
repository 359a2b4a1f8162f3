using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tandem.Infrastructure.Security;

namespace Tandem.Infrastructure.Cluster;

/// <summary>
/// The sign-in slow-down of <see cref="InProcessSignInThrottle"/>, with its counts in Redis so that
/// every node sees the same failures: guesses spread over several nodes meet one limit. Each
/// count is changed by one small script, so two nodes counting at once never lose a failure.
/// Times are the app's clock in milliseconds; Redis only forgets a count a while after it is stale.
/// </summary>
internal sealed class RedisSignInThrottle(IConnectionMultiplexer redis, RedisNames names, TimeProvider time, IOptionsMonitor<SecurityOptions> options, ILogger<RedisSignInThrottle> logger) : ISignInThrottle
{
    // Redis away: this node counts alone (its own slow-downs still apply) until Redis is back.
    private readonly InProcessSignInThrottle _alone = new(time, options);

    // KEYS[1] the count; ARGV: now (ms), window (ms), expiry (ms), free failures (0: never notify).
    // Returns { failures, notify }. A count idle for a whole window starts again.
    private const string FailScript = """
        local f = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
        local l = tonumber(redis.call('HGET', KEYS[1], 'l') or '0')
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        if f > 0 and now - l >= window then f = 0 end
        f = f + 1
        redis.call('HSET', KEYS[1], 'f', f, 'l', now)
        local notify = 0
        local free = tonumber(ARGV[4])
        if free > 0 and f >= free then
          local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '-1')
          if n < 0 or now - n >= window then
            notify = 1
            redis.call('HSET', KEYS[1], 'n', now)
          end
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return { f, notify }
        """;

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<TimeSpan> RetryAfterAsync(SignInAttempt attempt, CancellationToken ct = default)
    {
        try
        {
            return await SharedRetryAfterAsync(attempt);
        }
        catch (RedisException ex)
        {
            Alone(ex);
            return await _alone.RetryAfterAsync(attempt, ct);
        }
    }

    public async ValueTask<SignInFailure> FailedAsync(SignInAttempt attempt, CancellationToken ct = default)
    {
        try
        {
            return await SharedFailedAsync(attempt);
        }
        catch (RedisException ex)
        {
            Alone(ex);
            return await _alone.FailedAsync(attempt, ct);
        }
    }

    public async ValueTask SucceededAsync(SignInAttempt attempt, CancellationToken ct = default)
    {
        try
        {
            await SharedSucceededAsync(attempt);
        }
        catch (RedisException ex)
        {
            Alone(ex);
            await _alone.SucceededAsync(attempt, ct);
        }
    }

    private void Alone(RedisException ex) => logger.LogError(ex, "Redis is unreachable: this node counts sign-in failures alone");

    private async Task<TimeSpan> SharedRetryAfterAsync(SignInAttempt attempt)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        var usual = await IsUsualAsync(attempt, now, o);
        var account = await ReadAsync(usual ? PairKey(attempt) : AccountKey(attempt), now, o);
        var source = await ReadAsync(SourceKey(attempt), now, o);
        var a = InProcessSignInThrottle.Remaining(account, o.SignInFreeFailures, o.SignInDelayCap, now);
        var s = InProcessSignInThrottle.Remaining(source, o.SignInSourceFreeFailures, o.SignInSourceDelayCap, now);
        return a > s ? a : s;
    }

    private async Task<SignInFailure> SharedFailedAsync(SignInAttempt attempt)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        await CountAsync(PairKey(attempt), now, o, 0);
        await CountAsync(SourceKey(attempt), now, o, 0);
        var (failures, notify) = await CountAsync(AccountKey(attempt), now, o, o.SignInFreeFailures);
        return new SignInFailure(failures, notify);
    }

    private async Task SharedSucceededAsync(SignInAttempt attempt)
    {
        // As on one node: the account's count starts again, when its owner was last told stays.
        await Db.HashSetAsync(AccountKey(attempt), "f", 0);
        await Db.KeyDeleteAsync(PairKey(attempt));
        await Db.StringSetAsync(UsualKey(attempt), time.GetUtcNow().ToUnixTimeMilliseconds(), options.CurrentValue.SignInUsualSourceLifetime);
    }

    private async Task<(int Failures, bool Notify)> CountAsync(RedisKey key, DateTimeOffset now, SecurityOptions o, int notifyFrom)
    {
        var window = (long)o.SignInFailureWindow.TotalMilliseconds;
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(FailScript, [key], [now.ToUnixTimeMilliseconds(), window, window * 2, notifyFrom]))!;
        return ((int)result[0], (int)result[1] == 1);
    }

    private async Task<(int Failures, DateTimeOffset Last)> ReadAsync(RedisKey key, DateTimeOffset now, SecurityOptions o)
    {
        var values = await Db.HashGetAsync(key, ["f", "l"]);
        if (values[0].IsNull || !values[0].TryParse(out int failures) || !values[1].TryParse(out long last))
        {
            return (0, now);
        }

        var lastAt = DateTimeOffset.FromUnixTimeMilliseconds(last);
        return failures > 0 && now - lastAt >= o.SignInFailureWindow ? (0, lastAt) : (failures, lastAt);
    }

    private async Task<bool> IsUsualAsync(SignInAttempt attempt, DateTimeOffset now, SecurityOptions o)
    {
        var at = await Db.StringGetAsync(UsualKey(attempt));
        return at.TryParse(out long ms) && now - DateTimeOffset.FromUnixTimeMilliseconds(ms) < o.SignInUsualSourceLifetime;
    }

    private RedisKey AccountKey(SignInAttempt a) => names.Key("signin:a:" + a.Account);

    private RedisKey SourceKey(SignInAttempt a) => names.Key("signin:s:" + a.Source);

    private RedisKey PairKey(SignInAttempt a) => names.Key($"signin:p:{a.Account}:{a.Source}");

    private RedisKey UsualKey(SignInAttempt a) => names.Key($"signin:u:{a.Account}:{a.Source}");
}
