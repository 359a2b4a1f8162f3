namespace Tandem.Infrastructure.Security;

/// <summary>
/// Why Tandem ended a browser's sign-in, in words (issue 22): shown on the sign-in page (<c>?ended=</c>) and, when the
/// ended cookie arrives at a page anyone may open (the home page, the directory), at the top of that page, so a person
/// who reloads is never silently signed out. Only these words are known; anything else shows nothing.
/// </summary>
public static class SignedOutReasons
{
    public static string? Sentence(string? word) => word switch
    {
        "expired" => "You were signed out because your sign-in reached its time limit. Please sign in again.",
        "deactivated" => "You were signed out because your practice deactivated this account. If you think this is a mistake, ask your practice.",
        "password-changed" => "You were signed out because your password was changed, on this or another device. Sign in with the new password.",
        "ended-by-person" => "You were signed out from another device, under \u201cWhere you are signed in\u201d.",
        "security-change" => "You were signed out because your sign-in settings changed (for example two-step sign-in). Please sign in again.",
        "refresh-token-reused" => "You were signed out to keep your account safe: an app used an old sign-in token. Please sign in again.",
        _ => null,
    };

    /// <summary>The reason of this request's ended sign-in cookie, when Tandem refused one as it was read.</summary>
    public static string? WordOf(HttpContext? context) =>
        context?.Items.TryGetValue(SessionValidationMiddleware.EndedKey, out var ended) == true && ended is string word ? word : null;
}
