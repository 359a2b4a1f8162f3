using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// <c>Tandem:TrustedProxies</c> (issue 26, item 1): the addresses or networks of the proxies in
/// front of Tandem (nginx on the same machine: <c>127.0.0.1</c>), as a list or one string
/// separated by commas, semicolons or spaces. Empty by default, and then no forwarded header is
/// believed at all. When set, X-Forwarded-For and X-Forwarded-Proto are taken from those proxies
/// only: the browser's address then drives the sign-in limits, the audit's source addresses, the
/// sign-in list and agreement signatures, and the scheme the browser used decides HTTPS redirects
/// and secure cookies. X-Forwarded-Host is never believed: <c>Tandem:PublicUrl</c> names the host.
/// </summary>
public static class TrustedProxies
{
    public const string Key = "Tandem:TrustedProxies";

    /// <summary>The configured proxies, or a <see cref="SettingException"/> naming the entry that is neither an address nor a network.</summary>
    public static (IReadOnlyList<IPAddress> Addresses, IReadOnlyList<System.Net.IPNetwork> Networks) Read(IConfiguration config)
    {
        var section = config.GetSection(Key);
        var entries = section.GetChildren().Any()
            ? section.GetChildren().Select(c => c.Value ?? "")
            : (section.Value ?? "").Split([',', ';', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var addresses = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var raw in entries.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (raw.Contains('/', StringComparison.Ordinal))
            {
                if (!System.Net.IPNetwork.TryParse(raw, out var network))
                {
                    throw new SettingException($"{Key}: '{raw}' is not a network such as 10.0.0.0/8 (the base address must have no bits set beyond the prefix).");
                }

                networks.Add(network);
            }
            else if (IPAddress.TryParse(raw.Trim('[', ']'), out var address))
            {
                addresses.Add(address);
                // A proxy on IPv4 reaches a dual-stack listener as ::ffff:a.b.c.d; trust both spellings.
                if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    addresses.Add(address.MapToIPv6());
                }
            }
            else
            {
                throw new SettingException($"{Key}: '{raw}' is not an IP address or a network (host names are not accepted: a proxy is trusted by its address).");
            }
        }

        return (addresses, networks);
    }

    public static void AddTrustedProxies(this IServiceCollection services, IConfiguration config)
    {
        var (addresses, networks) = Read(config);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; here only what the operator listed counts.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var address in addresses)
            {
                o.KnownProxies.Add(address);
            }

            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(network);
            }

            // Walk back through a chain of trusted proxies (a load balancer before nginx) and stop
            // at the first address that is not one of them: that is the browser.
            o.ForwardLimit = null;
        });
    }

    /// <summary>First in the pipeline, and only when proxies are configured: without any, forwarded headers are plain text nobody reads.</summary>
    public static void UseTrustedProxies(this IApplicationBuilder app, IConfiguration config)
    {
        var (addresses, networks) = Read(config);
        if (addresses.Count + networks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
    }
}
