using Microsoft.AspNetCore.Http;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.IntegrationTests.Support;

public sealed partial record EndpointInfo(string Pattern, string Method, Endpoint Endpoint)
{
    public bool IsApi => Pattern.StartsWith("/api", StringComparison.Ordinal);

    public bool AllowsAnonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    public IReadOnlyList<IAuthorizeData> Authorize => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();

    /// <summary>The path with every route parameter filled: ids with the given value (a random id by default).</summary>
    public string PathWith(string? id = null) => Parameter().Replace(Pattern, m =>
        m.Groups[1].Value.Contains(":guid", StringComparison.Ordinal) || m.Groups[1].Value.EndsWith("id", StringComparison.OrdinalIgnoreCase)
            ? (id ?? Guid.NewGuid().ToString())
            : "x");

    /// <summary>Every route the app maps, from its own endpoint data source, so a new one cannot be missed.</summary>
    public static IReadOnlyList<EndpointInfo> All(IServiceProvider services)
    {
        var sources = services.GetServices<EndpointDataSource>();
        return sources
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e =>
            {
                var pattern = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
                var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
                return methods.Select(m => new EndpointInfo(pattern, m, e));
            })
            .DistinctBy(e => (e.Pattern, e.Method))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"\{\*{0,2}([^}]+)\}")]
    private static partial Regex Parameter();
}
