using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tandem.Infrastructure.Security;

/// <summary>Who is trying: the account named (existing or not) and the client address.</summary>
public readonly record struct SignInAttempt(string Account, string Source)
{
    /// <summary>The account key: a hash of the normalised email, so the counters never hold an address.</summary>
    public static SignInAttempt For(string? email, System.Net.IPAddress? source) => new(
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes((email ?? "").Trim().ToUpperInvariant()))),
        source?.ToString() ?? "unknown");
}

/// <summary>What a failure did: the account's failures in the window, and whether its owner should be told now.</summary>
public readonly record struct SignInFailure(int AccountFailures, bool NotifyOwner);

/// <summary>
/// Slows password and code guessing down by account and by source address with growing delays,
/// instead of a hard lockout a stranger could trigger (issue 19, finding 7; OWASP ASVS 5 V6.3,
/// NIST SP 800-63B 5.2.2). Accounts are counted whether or not they exist, so the answers cannot
/// tell them apart. One small interface so several web nodes can share the counts (<see cref="Cluster.RedisSignInThrottle"/>,
/// in Redis); <see cref="InProcessSignInThrottle"/> serves one node.
/// </summary>
public interface ISignInThrottle
{
    /// <summary>How long this attempt must still wait; zero when it may be checked now.</summary>
    ValueTask<TimeSpan> RetryAfterAsync(SignInAttempt attempt, CancellationToken ct = default);

    ValueTask<SignInFailure> FailedAsync(SignInAttempt attempt, CancellationToken ct = default);

    /// <summary>A right password (and second factor): the account's count starts again and the source becomes one of its usual ones.</summary>
    ValueTask SucceededAsync(SignInAttempt attempt, CancellationToken ct = default);
}

/// <summary>
/// The counts of this process. The rule: an account may fail <see cref="SecurityOptions.SignInFreeFailures"/>
/// times; after that each further attempt waits 1, 2, 4... seconds after the last failure, up to
/// <see cref="SecurityOptions.SignInDelayCap"/>. From a source the account signed in from before (its usual
/// place) only that source's own failures count, so guesses from elsewhere never keep the person out. A
/// source address has its own, larger allowance across all accounts (<see cref="SecurityOptions.SignInSourceFreeFailures"/>,
/// up to <see cref="SecurityOptions.SignInSourceDelayCap"/>). Counts older than <see cref="SecurityOptions.SignInFailureWindow"/>
/// start again; the owner is told at most once per window.
/// </summary>
internal sealed class InProcessSignInThrottle(TimeProvider time, IOptionsMonitor<SecurityOptions> options) : ISignInThrottle
{
    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset LastFailure;
        public DateTimeOffset? NotifiedAt;
    }

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _usualSources = new(StringComparer.Ordinal);
    private long _lastSweepTicks;

    public ValueTask<TimeSpan> RetryAfterAsync(SignInAttempt attempt, CancellationToken ct = default)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        var account = Read(IsUsual(attempt, now, o) ? PairKey(attempt) : AccountKey(attempt), now, o);
        var source = Read(SourceKey(attempt), now, o);
        var wait = Max(Remaining(account, o.SignInFreeFailures, o.SignInDelayCap, now), Remaining(source, o.SignInSourceFreeFailures, o.SignInSourceDelayCap, now));
        return ValueTask.FromResult(wait);
    }

    public ValueTask<SignInFailure> FailedAsync(SignInAttempt attempt, CancellationToken ct = default)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        Sweep(now, o);
        Count(PairKey(attempt), now, o);
        Count(SourceKey(attempt), now, o);
        var account = _counters.GetOrAdd(AccountKey(attempt), _ => new Counter());
        bool notify;
        int failures;
        lock (account)
        {
            Fresh(account, now, o);
            failures = ++account.Failures;
            account.LastFailure = now;
            notify = failures >= o.SignInFreeFailures && (account.NotifiedAt is not { } told || now - told >= o.SignInFailureWindow);
            if (notify)
            {
                account.NotifiedAt = now;
            }
        }

        return ValueTask.FromResult(new SignInFailure(failures, notify));
    }

    public ValueTask SucceededAsync(SignInAttempt attempt, CancellationToken ct = default)
    {
        // The count starts again; when the owner was last told stays, so a new burst in the same window sends no second email.
        if (_counters.TryGetValue(AccountKey(attempt), out var account))
        {
            lock (account)
            {
                account.Failures = 0;
            }
        }

        _counters.TryRemove(PairKey(attempt), out _);
        _usualSources[PairKey(attempt)] = time.GetUtcNow();
        return ValueTask.CompletedTask;
    }

    private bool IsUsual(SignInAttempt attempt, DateTimeOffset now, SecurityOptions o) =>
        _usualSources.TryGetValue(PairKey(attempt), out var at) && now - at < o.SignInUsualSourceLifetime;

    private void Count(string key, DateTimeOffset now, SecurityOptions o)
    {
        var counter = _counters.GetOrAdd(key, _ => new Counter());
        lock (counter)
        {
            Fresh(counter, now, o);
            counter.Failures++;
            counter.LastFailure = now;
        }
    }

    private (int Failures, DateTimeOffset Last) Read(string key, DateTimeOffset now, SecurityOptions o)
    {
        if (!_counters.TryGetValue(key, out var counter))
        {
            return (0, now);
        }

        lock (counter)
        {
            Fresh(counter, now, o);
            return (counter.Failures, counter.LastFailure);
        }
    }

    private static void Fresh(Counter counter, DateTimeOffset now, SecurityOptions o)
    {
        if (counter.Failures > 0 && now - counter.LastFailure >= o.SignInFailureWindow)
        {
            counter.Failures = 0;
        }
    }

    /// <summary>1 s after the first failure past the allowance, doubling with each further one, up to the cap.</summary>
    internal static TimeSpan Delay(int failures, int free, TimeSpan cap)
    {
        if (failures < free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - free, 30);
        var delay = TimeSpan.FromSeconds(Math.Pow(2, doublings));
        return delay < cap ? delay : cap;
    }

    internal static TimeSpan Remaining((int Failures, DateTimeOffset Last) counter, int free, TimeSpan cap, DateTimeOffset now)
    {
        var until = counter.Last + Delay(counter.Failures, free, cap);
        return until > now ? until - now : TimeSpan.Zero;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Forgets counts and usual places nobody has used for a window (at most once a minute), so memory stays small.</summary>
    private void Sweep(DateTimeOffset now, SecurityOptions o)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, counter) in _counters)
        {
            if (now - counter.LastFailure >= o.SignInFailureWindow)
            {
                _counters.TryRemove(key, out _);
            }
        }

        foreach (var (key, at) in _usualSources)
        {
            if (now - at >= o.SignInUsualSourceLifetime)
            {
                _usualSources.TryRemove(key, out _);
            }
        }
    }

    private static string AccountKey(SignInAttempt a) => "a:" + a.Account;

    private static string SourceKey(SignInAttempt a) => "s:" + a.Source;

    private static string PairKey(SignInAttempt a) => $"p:{a.Account}:{a.Source}";
}
