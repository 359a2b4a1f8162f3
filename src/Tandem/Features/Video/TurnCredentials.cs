using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tandem.Features.Video;

/// <summary>One ICE server as a browser's RTCPeerConnection takes it.</summary>
public sealed record IceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null);

/// <summary>
/// coturn's shared-secret scheme ("TURN REST API", coturn's <c>use-auth-secret</c> with <c>static-auth-secret</c>): the
/// username is <c>expiry:user</c> (expiry in Unix seconds) and the password is base64(HMAC-SHA1(secret, username)).
/// coturn recomputes the same and refuses the pair after the expiry, so nothing is stored and a leaked pair soon dies.
/// </summary>
public static class TurnCredentials
{
    public static (string Username, string Credential) For(string secret, string user, DateTimeOffset expires)
    {
        var username = $"{expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}:{user}";
#pragma warning disable CA5350 // coturn's scheme is HMAC-SHA1 by definition (its --use-auth-secret); as an HMAC, SHA-1's collision weakness does not apply
        var credential = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));
#pragma warning restore CA5350
        return (username, credential);
    }

    /// <summary>The ICE servers for one participant: the STUN servers, then the TURN servers with their own fresh credentials.</summary>
    public static IReadOnlyList<IceServer> Servers(VideoOptions options, string user, DateTimeOffset now)
    {
        var servers = new List<IceServer>();
        if (options.StunUrls.Length > 0)
        {
            servers.Add(new IceServer(options.StunUrls));
        }

        if (options.TurnUrls.Length > 0 && !string.IsNullOrEmpty(options.TurnSecret))
        {
            var (username, credential) = For(options.TurnSecret, user, now + options.TurnCredentialLifetime);
            servers.Add(new IceServer(options.TurnUrls, username, credential));
        }

        return servers;
    }
}
