using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;
using Tandem.Features.Accounts;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Refuses the 10,000 most common passwords (Resources/common-passwords.txt) and the
/// person's own email address. Length is checked by Identity's options; there are no
/// composition rules (NIST SP 800-63B, ASVS 5.0 V6).
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<TandemUser>
{
    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    public static int Count => Common.Value.Count;

    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim());

    public Task<IdentityResult> ValidateAsync(UserManager<TandemUser> manager, TandemUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        if (IsCommon(password))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "CommonPassword",
                Description = "This password is one of the most common ones and easy to guess. Choose another, for example three or four unrelated words.",
            }));
        }

        if (user.Email is { Length: > 0 } email && password.Contains(email.Split('@')[0], StringComparison.OrdinalIgnoreCase) && email.Split('@')[0].Length >= 4)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordContainsEmail",
                Description = "Your password should not contain your email address.",
            }));
        }

        return Task.FromResult(IdentityResult.Success);
    }

    private static FrozenSet<string> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Resources", "common-passwords.txt");
        return File.ReadLines(path)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
