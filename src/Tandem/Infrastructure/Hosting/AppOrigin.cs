using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Where this Tandem is, decided by configuration and never by a request (issue 19, findings 1
/// and 2). <c>Tandem:PublicUrl</c> when it is set (production: required behind a proxy);
/// otherwise the addresses the server was told to listen on (Development and tests). Links in
/// emails, calendar feeds, exports and the API description, and the cross-site check of
/// <see cref="Security.CrossSiteRequestGuard"/>, all use it, so a forged <c>Host</c> or
/// <c>X-Forwarded-Host</c> header can neither put a stranger's address into Tandem's mail nor
/// pass for Tandem's own origin.
/// </summary>
public sealed class AppOrigin(IConfiguration config, IServer server)
{
    private const string PublicUrlKey = "Tandem:PublicUrl";
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private Known? _known;

    /// <summary>The base of every absolute link: scheme, host, port and path base, without a trailing slash.</summary>
    public string BaseUrl => Current.BaseUrl;

    /// <summary>The host name links use (for AllowedHosts).</summary>
    public static string? PublicHost(IConfiguration config) => ParsePublicUrl(config)?.Host;

    /// <summary>Whether an <c>Origin</c> header names this Tandem (scheme, host and port). "null" and anything unparsable do not.</summary>
    public bool IsOwnOrigin(string? origin)
    {
        if (string.IsNullOrEmpty(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }

        return Current.Origins.Any(o => string.Equals(o.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase) && o.Port == uri.Port
            && (string.Equals(o.Host, uri.Host, StringComparison.OrdinalIgnoreCase) || (o.AnyLoopback && IsLoopback(uri.Host))));
    }

    /// <summary>Checks the setting at start: a PublicUrl that is not an absolute http(s) address stops the app with one sentence.</summary>
    public static void Validate(IConfiguration config)
    {
        if (config[PublicUrlKey] is { Length: > 0 } value && ParsePublicUrl(config) is null)
        {
            throw new SettingException($"{PublicUrlKey} must be an absolute http or https address such as https://tandem.example.org (it is '{value}').");
        }
    }

    /// <summary>
    /// Before serving in Production: the public address is required (issue 26, item 1). Links in
    /// emails and feeds, the allowed Host names and the HTTPS redirect all come from it, and a
    /// server behind a proxy has no other honest way to know it. Commands (migrate, backup,
    /// verify-audit) serve nothing and do not need it.
    /// </summary>
    public static void RequireForServing(IConfiguration config, IHostEnvironment environment)
    {
        Validate(config);
        if (environment.IsProduction() && ParsePublicUrl(config) is null)
        {
            throw new SettingException($"{PublicUrlKey} must be set in Production: the address people use to reach Tandem, such as https://tandem.example.org (environment variable Tandem__PublicUrl).");
        }
    }

    /// <summary>The https port of the public address, for the HTTPS redirect; null when the public address is not https.</summary>
    public static int? PublicHttpsPort(IConfiguration config) => ParsePublicUrl(config) is { Scheme: "https" } uri ? uri.Port : null;

    private Known Current
    {
        get
        {
            if (_known is { } known)
            {
                return known;
            }

            var (result, final) = Compute();
            if (final)
            {
                _known = result;
            }

            return result;
        }
    }

    private (Known Result, bool Final) Compute()
    {
        if (ParsePublicUrl(config) is { } publicUrl)
        {
            var baseUrl = publicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
            return (new Known(baseUrl, [new OwnOrigin(publicUrl.Scheme, publicUrl.Host, publicUrl.Port, AnyLoopback: false)]), true);
        }

        // The addresses the server listens on: Kestrel reports them once it has started (with the real port for
        // port 0); before that, or on a server that reports none (the in-memory test server), the configured urls.
        var reported = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var addresses = reported.Count > 0 ? reported : (config[WebHostDefaults.ServerUrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var final = reported.Count > 0;
        var origins = new List<OwnOrigin>();
        foreach (var address in addresses)
        {
            BindingAddress binding;
            try
            {
                binding = BindingAddress.Parse(address);
            }
            catch (FormatException)
            {
                continue;
            }

            if (binding.Scheme is not ("http" or "https") || binding.IsUnixPipe || binding.IsNamedPipe)
            {
                continue;
            }

            // A wildcard address (0.0.0.0, [::], *, +) or a loopback one: the browser on this machine reaches it by any loopback name.
            var wildcard = binding.Host is "*" or "+" or "0.0.0.0" or "[::]" or "::";
            var host = wildcard ? "localhost" : binding.Host;
            origins.Add(new OwnOrigin(binding.Scheme, host, binding.Port, AnyLoopback: wildcard || IsLoopback(host)));
        }

        if (origins.Count == 0)
        {
            // Kestrel's own default when nothing is configured.
            origins.Add(new OwnOrigin("http", "localhost", 5000, AnyLoopback: true));
        }

        var first = origins.OrderBy(o => o.Scheme == "https" ? 0 : 1).First();
        var defaultPort = first.Port == (first.Scheme == "https" ? 443 : 80);
        var hostPart = first.Host.Contains(':', StringComparison.Ordinal) && !first.Host.StartsWith('[') ? $"[{first.Host}]" : first.Host;
        return (new Known($"{first.Scheme}://{hostPart}{(defaultPort ? "" : ":" + first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}", origins), final);
    }

    private static Uri? ParsePublicUrl(IConfiguration config) =>
        config[PublicUrlKey] is { Length: > 0 } value && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            ? uri
            : null;

    private static bool IsLoopback(string host) =>
        LoopbackHosts.Contains(host, StringComparer.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private sealed record OwnOrigin(string Scheme, string Host, int Port, bool AnyLoopback);

    private sealed record Known(string BaseUrl, IReadOnlyList<OwnOrigin> Origins);
}
