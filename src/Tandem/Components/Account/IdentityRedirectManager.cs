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
        // Prevent open redirects: only a path on this site is followed. Anything else (an absolute address in any letter
        // case, "//host" or "/\host" that a browser reads as another site, a scheme such as "javascript:") sends the
        // person to their home page: never elsewhere, never a server error. Tandem itself only ever passes paths.
        navigationManager.NavigateTo(Infrastructure.Hosting.LocalPaths.IsLocal(uri) ? uri : "");
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo("/" + navigationManager.ToBaseRelativePath(newUri));
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

    private string CurrentPath => "/" + navigationManager.ToBaseRelativePath(navigationManager.Uri).Split('?', '#')[0];

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<TandemUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
