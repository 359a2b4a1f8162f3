using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Tandem.Features.Accounts;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Password-reset tokens (issue 26, item 3): valid for an hour by <see cref="TimeProvider"/> (the
/// framework's provider reads the system clock), bound to the person and to their security stamp, so
/// a token works once: resetting the password gives a new stamp, and so do a password change,
/// deactivation and a newer reset. Protected with the app's Data Protection keys (kept in the database).
/// </summary>
internal sealed class PasswordResetTokenProvider(IDataProtectionProvider protection, TimeProvider time) : IUserTwoFactorTokenProvider<TandemUser>
{
    public const string ProviderName = "TandemPasswordReset";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly IDataProtector _protector = protection.CreateProtector("Tandem.PasswordReset.v1");

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<TandemUser> manager, TandemUser user) => Task.FromResult(false);

    public async Task<string> GenerateAsync(string purpose, UserManager<TandemUser> manager, TandemUser user)
    {
        var stamp = await manager.GetSecurityStampAsync(user);
        var payload = string.Join('|', time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), user.Id.ToString("N"), purpose, stamp);
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<TandemUser> manager, TandemUser user)
    {
        string payload;
        try
        {
            payload = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token ?? "")));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }

        var parts = payload.Split('|', 4);
        if (parts.Length != 4 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var created = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var now = time.GetUtcNow();
        if (now >= created + Lifetime || created > now + TimeSpan.FromMinutes(5))
        {
            return false;
        }

        var stamp = await manager.GetSecurityStampAsync(user) ?? "";
        return parts[1] == user.Id.ToString("N") && parts[2] == purpose
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(parts[3]), Encoding.UTF8.GetBytes(stamp));
    }
}
