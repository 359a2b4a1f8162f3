using System.Diagnostics.CodeAnalysis;

namespace Tandem.Infrastructure.Hosting;

/// <summary>Where a redirect taken from a request (a returnUrl) may go: a path on this site, nothing a browser reads as elsewhere.</summary>
public static class LocalPaths
{
    /// <summary>
    /// A relative address without a scheme ("Account/Login", "/engagements/1?x=y"), not "//host" or "/\host" (another
    /// site to a browser), without backslashes or control characters. An absolute address, in any letter case, is not local
    /// even when it names this site: nothing in Tandem passes one, and its host would come from the request.
    /// </summary>
    public static bool IsLocal([NotNullWhen(true)] string? uri) =>
        uri is not null
        && !uri.StartsWith("//", StringComparison.Ordinal)
        && !uri.Contains('\\', StringComparison.Ordinal)
        && !uri.Any(char.IsControl)
        && Uri.IsWellFormedUriString(uri, UriKind.Relative)
        && !uri.Split('/', '?', '#')[0].Contains(':', StringComparison.Ordinal);
}
