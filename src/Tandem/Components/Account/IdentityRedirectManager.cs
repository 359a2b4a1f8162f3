using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Tandem.Features.Accounts;

namespace Tandem.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    public void RedirectTo(string? uri)
    {
        uri ??= "";

        // Prevent open redirects: an address on this site is made relative; one elsewhere (or one a
        // browser would read as elsewhere, "//host" or "/\host") is never followed, and the person
        // goes to their home page instead of a server error.
        if (!Uri.IsWellFormedUriString(uri, UriKind.Relative)
            || uri.StartsWith("//", StringComparison.Ordinal)
            || uri.StartsWith("/\\", StringComparison.Ordinal))
        {
            uri = uri.StartsWith(navigationManager.BaseUri, StringComparison.OrdinalIgnoreCase) ? navigationManager.ToBaseRelativePath(uri) : "";
        }

        navigationManager.NavigateTo(uri);
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    /// <summary>
    /// The status message travels in a cookie, and it can carry what the browser sent (a passkey error): cut to a length
    /// that stays within a cookie's 4 KB however it encodes, so a long one can neither break the answer nor be dropped.
    /// </summary>
    public const int StatusMaxLength = 300;

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        if (message.Length > StatusMaxLength)
        {
            var cut = char.IsHighSurrogate(message[StatusMaxLength - 1]) ? StatusMaxLength - 1 : StatusMaxLength;
            message = message[..cut] + "…";
        }

        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<TandemUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
