using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Authenticator-app codes (TOTP, RFC 6238) that work once (issue 19, finding 12): a code whose time
/// step is the one used last, or earlier, is refused, on every path that checks a code (sign-in page,
/// API, setting up the app). RFC 6238 section 5.2: the verifier must not accept a second attempt of an
/// OTP after a successful validation. The last used step is kept in the person's Identity tokens and
/// claimed with one conditional write, so two requests racing with one code cannot both win.
/// Accepts codes up to two steps either side of now (as the framework's own provider does), by <see cref="TimeProvider"/>.
/// </summary>
internal sealed class OneUseAuthenticatorTokenProvider(TimeProvider time, IServiceScopeFactory scopes) : AuthenticatorTokenProvider<TandemUser>
{
    private const string Store = "[TandemAuthenticator]";
    private const string LastStep = "LastTimeStep";

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<TandemUser> manager, TandemUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit)
            || Base32Decode(key) is not { Length: > 0 } secret)
        {
            return false;
        }

        var code = int.Parse(token, CultureInfo.InvariantCulture);
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 30;
        long? matched = null;
        for (var step = now - 2; step <= now + 2; step++)
        {
            if (Totp(secret, step) == code)
            {
                matched = step;
            }
        }

        return matched is { } used && await ClaimStepAsync(user.Id, used);
    }

    /// <summary>
    /// Records <paramref name="step"/> as the last one used, only if it is later than the one stored: one
    /// conditional UPDATE (fixed-width digits compare as numbers), so two requests with one code cannot both
    /// win; the first use inserts the row, and a racing second insert fails on its key. Its own short unit of
    /// work, so a lost race leaves nothing behind in the request's.
    /// </summary>
    private async Task<bool> ClaimStepAsync(Guid userId, long step)
    {
        var value = step.ToString("D20", CultureInfo.InvariantCulture);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using var system = db.Tenant.AsSystem();
        var tokens = db.Set<IdentityUserToken<Guid>>();
        var mine = tokens.Where(t => t.UserId == userId && t.LoginProvider == Store && t.Name == LastStep);
#pragma warning disable CA1309 // Translated to SQL ("Value" < @value): the database compares, and these are ASCII digits of one width.
        if (await mine.Where(t => string.Compare(t.Value, value) < 0).ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, value)) == 1)
#pragma warning restore CA1309
        {
            return true;
        }

        if (await mine.AnyAsync())
        {
            return false;
        }

        tokens.Add(new IdentityUserToken<Guid> { UserId = userId, LoginProvider = Store, Name = LastStep, Value = value });
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    /// <summary>RFC 6238 with HMAC-SHA1 and 6 digits, as authenticator apps use.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "RFC 6238 TOTP as every authenticator app computes it (and the framework's own provider does): HMAC-SHA1 as a keyed PRF, where its collision weakness does not apply.")]
    internal static int Totp(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(secret, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return binary % 1_000_000;
    }

    /// <summary>RFC 4648 base32 (the form the authenticator key is stored and shown in); null when malformed.</summary>
    internal static byte[]? Base32Decode(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.Trim().TrimEnd('=').Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)((buffer >> bits) & 0xff));
            }
        }

        return [.. bytes];
    }
}
