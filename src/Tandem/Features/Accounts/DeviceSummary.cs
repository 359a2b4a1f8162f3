using System.Net;
using System.Net.Sockets;

namespace Tandem.Features.Accounts;

/// <summary>
/// How a session is described to its owner: a short device summary from the user agent
/// ("Firefox on Windows"; the full string is never stored) and where the address is.
/// </summary>
public static class DeviceSummary
{
    public static string Of(string? userAgent)
    {
        var ua = userAgent ?? "";
        if (ua.Length == 0)
        {
            return "Unknown device";
        }

        var browser =
            ua.Contains("Edg/", StringComparison.Ordinal) || ua.Contains("EdgiOS", StringComparison.Ordinal) || ua.Contains("EdgA/", StringComparison.Ordinal) ? "Edge"
            : ua.Contains("OPR/", StringComparison.Ordinal) ? "Opera"
            : ua.Contains("Firefox/", StringComparison.Ordinal) || ua.Contains("FxiOS", StringComparison.Ordinal) ? "Firefox"
            : ua.Contains("Chrome/", StringComparison.Ordinal) || ua.Contains("CriOS", StringComparison.Ordinal) || ua.Contains("Chromium/", StringComparison.Ordinal) ? "Chrome"
            : ua.Contains("Safari/", StringComparison.Ordinal) ? "Safari"
            : FirstProduct(ua);
        var system =
            ua.Contains("iPhone", StringComparison.Ordinal) ? "iPhone"
            : ua.Contains("iPad", StringComparison.Ordinal) ? "iPad"
            : ua.Contains("Android", StringComparison.Ordinal) ? "Android"
            : ua.Contains("Windows", StringComparison.Ordinal) ? "Windows"
            : ua.Contains("Mac OS X", StringComparison.Ordinal) || ua.Contains("Macintosh", StringComparison.Ordinal) ? "macOS"
            : ua.Contains("CrOS", StringComparison.Ordinal) ? "ChromeOS"
            : ua.Contains("Linux", StringComparison.Ordinal) ? "Linux"
            : null;
        var summary = system is null ? browser : $"{browser} on {system}";
        return summary.Length <= SignInSession.DeviceMaxLength ? summary : summary[..SignInSession.DeviceMaxLength];
    }

    /// <summary>A script or app: its own name ("curl", "python-requests"), letters, digits and dashes only.</summary>
    private static string FirstProduct(string ua)
    {
        var name = new string(ua.TakeWhile(c => c != '/' && c != ' ').Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(40).ToArray());
        return name.Length == 0 ? "Unknown device" : name;
    }

    /// <summary>
    /// Where an address is, as far as Tandem can tell without a location database: this computer,
    /// a private (home or office) network, or the internet. An operator with a GeoIP database can
    /// put a place name here; nothing is looked up outside.
    /// </summary>
    public static string Place(string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip))
        {
            return "Unknown place";
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (IPAddress.IsLoopback(ip))
        {
            return "This server's own computer";
        }

        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            var isPrivate = b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127);
            return isPrivate ? "A private network (home, office or provider)" : "The internet";
        }

        return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal ? "A private network (home, office or provider)" : "The internet";
    }
}
