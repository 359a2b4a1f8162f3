using System.Reflection;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// A feature registers its services (use cases, demo steps, background work) and maps its
/// endpoints through one module class in its own folder; the host discovers every module, so
/// adding a feature never edits shared startup code.
/// </summary>
public interface ITandemModule
{
    void AddServices(IServiceCollection services, IConfiguration config);

    void MapEndpoints(IEndpointRouteBuilder app);
}

internal static class TandemModules
{
    public static IReadOnlyList<ITandemModule> All { get; } = typeof(ITandemModule).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITandemModule).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (ITandemModule)Activator.CreateInstance(t)!)
        .ToList();
}
