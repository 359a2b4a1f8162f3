using Microsoft.AspNetCore.Identity;
using Tandem.Infrastructure.Input;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// The key Identity looks accounts up by (email and user name): the framework's rule (Unicode form C,
/// then upper case) for every string it can apply to. The framework's own normalizer throws on text
/// that has no Unicode form (a lone surrogate or U+FFFE): anything typed into a sign-in, reset
/// or invitation field reached it, so "\uFFFE\uFFFF" as an address was a 500 (stop 40's CI). Such text
/// cannot be any account's address (addresses are checked by <see cref="Features.Invitations.Invitation.NormaliseEmail"/>
/// before an account exists), so it is upper-cased as it is: a key that matches no account, and the
/// caller answers as it does for any unknown address.
/// </summary>
internal sealed class TandemLookupNormalizer : ILookupNormalizer
{
    public string? NormalizeName(string? name) => Normalize(name);

    public string? NormalizeEmail(string? email) => Normalize(email);

    private static string? Normalize(string? key) =>
        key is null ? null : UnicodeText.HasNormalForm(key) ? key.Normalize().ToUpperInvariant() : key.ToUpperInvariant();
}
