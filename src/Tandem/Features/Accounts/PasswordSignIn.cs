using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Accounts;

public enum PasswordCheckOutcome
{
    /// <summary>The right password of an active account (a second factor may still be needed).</summary>
    Succeeded,

    /// <summary>Anything else: unknown account, wrong password, deactivated account. One answer for all.</summary>
    Failed,

    /// <summary>Too many failures for this account or from this address: wait <see cref="PasswordCheck.RetryAfter"/>.</summary>
    Throttled,
}

public sealed record PasswordCheck(PasswordCheckOutcome Outcome, TandemUser? User, TimeSpan RetryAfter);

/// <summary>
/// The password step of every sign-in path (page and API), so all of them do the same work whatever
/// the account's state (issue 19, findings 6 and 7): the account is looked up, one password hash is
/// checked with the app's own hasher and parameters (a dummy hash for an unknown account or one
/// without a password), and only then is throttling consulted, so a slowed-down, unknown or
/// deactivated account answers in the same time as a wrong password. Failures count by account
/// (existing or not) and by source address; the owner of a real account is emailed once per window.
/// </summary>
public sealed class PasswordSignIn(
    UserManager<TandemUser> users,
    IPasswordHasher<TandemUser> hasher,
    ISignInThrottle throttle,
    TenantContext tenant,
    IHttpContextAccessor http,
    TandemDbContext db,
    MailOutbox mail,
    LinkBuilder links,
    AuditTrail audit,
    Microsoft.Extensions.Options.IOptions<PasswordHasherOptions> hashing)
{
    private static readonly TandemUser DummyUser = new();

    /// <summary>The dummy hash, made with the iteration count in force (tests run apps with different counts in one process).</summary>
    private static (int Iterations, string Hash)? _dummy;

    public SignInAttempt AttemptFor(string? email) =>
        SignInAttempt.For(email, tenant.SourceAddress ?? http.HttpContext?.Connection.RemoteIpAddress);

    public async Task<PasswordCheck> CheckAsync(string email, string password, CancellationToken ct = default)
    {
        email = (email ?? "").Trim();
        var attempt = AttemptFor(email);
        TandemUser? user;
        using (tenant.AsSystem())
        {
            user = await users.FindByEmailAsync(email);
        }

        // The same hasher, the same parameters, one hash: for a real account its own, otherwise a dummy.
        var hash = user?.PasswordHash ?? DummyHash();
        var result = hasher.VerifyHashedPassword(user ?? DummyUser, hash, password ?? "");
        var verified = result != PasswordVerificationResult.Failed && user?.PasswordHash is not null;

        // A hash made with fewer iterations than the app now uses (the count was raised since) is checked faster than the
        // dummy; the missing iterations are spent here, so such an account still answers like an unknown one.
        PadToCurrentCost(user?.PasswordHash);

        // Only now: a slowed-down account must not answer faster than any other.
        var wait = await throttle.RetryAfterAsync(attempt, ct);
        if (wait > TimeSpan.Zero)
        {
            return new PasswordCheck(PasswordCheckOutcome.Throttled, user, wait);
        }

        if (!verified || user is not { IsActive: true })
        {
            await FailedAsync(attempt, user, ct);
            return new PasswordCheck(PasswordCheckOutcome.Failed, user, TimeSpan.Zero);
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // Hashed with fewer iterations than the app now uses (Security:PasswordHashIterations was raised, or the
            // hash is older): upgraded now, while the password is at hand. Only after the right password, so it tells
            // a stranger nothing.
            using (tenant.AsSystem())
            {
                user.PasswordHash = hasher.HashPassword(user, password!);
                await users.UpdateAsync(user);
            }
        }

        return new PasswordCheck(PasswordCheckOutcome.Succeeded, user, TimeSpan.Zero);
    }

    /// <summary>How long a second-factor attempt for this account must still wait (zero: go ahead).</summary>
    public ValueTask<TimeSpan> RetryAfterAsync(TandemUser user, CancellationToken ct = default) => throttle.RetryAfterAsync(AttemptFor(user.Email), ct);

    /// <summary>A wrong second-factor code, or a wrong current password when changing it, counts like a wrong password.</summary>
    public Task CountFailureAsync(TandemUser user, CancellationToken ct = default) => FailedAsync(AttemptFor(user.Email), user, ct);

    /// <summary>Signed in (password and any second factor): the count starts again and this address becomes a usual one.</summary>
    public ValueTask SucceededAsync(TandemUser user, CancellationToken ct = default) => throttle.SucceededAsync(AttemptFor(user.Email), ct);

    private async Task FailedAsync(SignInAttempt attempt, TandemUser? user, CancellationToken ct)
    {
        var failure = await throttle.FailedAsync(attempt, ct);
        if (failure.NotifyOwner && user is not null)
        {
            // The practice's security log shows it, as it showed lockouts before.
            await audit.RecordAsync(new AuditEvent
            {
                Action = AuditAction.Update,
                ObjectType = "Account.SlowedDown",
                ObjectId = user.Id.ToString(),
                SubjectUserId = user.Id,
                PracticeId = user.PracticeId,
                DataCategory = AuditCategories.Security,
                Purpose = AuditPurposes.AccessControl,
            }, ct);
        }

        if (failure.NotifyOwner && user is { IsActive: true, Email: { } to })
        {
            // Nothing clinical, no address of the attempts: what happened and what the person can do.
            using (tenant.AsSystem())
            {
                mail.Enqueue(user.PracticeId, to, "Failed sign-in attempts on your Tandem account",
                    "Hello,\n\nSomeone tried several times to sign in to your Tandem account with a wrong password or code. " +
                    "Tandem now makes each further attempt wait a little longer, so guessing gets nowhere.\n\n" +
                    "If it was you, wait a minute and try again. If it was not you, you do not need to do anything, " +
                    "but you can check where you are signed in and change your password:\n" +
                    $"{links.Base}/Account/Manage/Sessions\n", "sign-in-failures");
                await db.SaveChangesAsync(ct);
            }
        }
    }

    private void PadToCurrentCost(string? storedHash)
    {
        var missing = hashing.Value.IterationCount - (long)StoredIterations(storedHash);
        if (storedHash is not null && missing > 0)
        {
            System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("padding", new byte[16], (int)missing, System.Security.Cryptography.HashAlgorithmName.SHA512, 32);
        }
    }

    /// <summary>The iteration count in an Identity v3 hash (format byte 1, then PRF, iterations, salt length: big-endian).</summary>
    internal static uint StoredIterations(string? hash)
    {
        Span<byte> header = stackalloc byte[9];
        if (hash is null || hash.Length < 12 || !Convert.TryFromBase64Chars(hash.AsSpan(0, 12), header, out var written) || written < 9 || header[0] != 0x01)
        {
            return uint.MaxValue;
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[5..]);
    }

    private string DummyHash()
    {
        var iterations = hashing.Value.IterationCount;
        if (_dummy is { } dummy && dummy.Iterations == iterations)
        {
            return dummy.Hash;
        }

        var hash = hasher.HashPassword(DummyUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        _dummy = (iterations, hash);
        return hash;
    }
}
