using Tandem.Features.Demo;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Features.Plans;

public sealed class PlansModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<PlanStore>();
        services.AddScoped<PlanUseCases>();
        services.AddScoped<IDemoSeedStep, PlansDemoStep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapPlanApi();
}
