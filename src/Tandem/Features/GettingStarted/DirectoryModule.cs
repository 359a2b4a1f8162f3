using Tandem.Features.Demo;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Features.GettingStarted;

/// <summary>Getting started: the public directory, the guide, and first-conversation requests.</summary>
public sealed class DirectoryModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<DirectoryQueries>();
        services.AddScoped<DirectoryProfileUseCases>();
        services.AddScoped<FirstConversationUseCases>();
        services.AddSingleton<AnonymousPreferences>();
        services.AddScoped<IDemoSeedStep, DirectoryDemoStep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapDirectoryApi();
}
