using Tandem.Features.Agreements;
using Tandem.Features.Demo;
using Tandem.Features.Invitations;
using Tandem.Features.Proposals;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Features.Engagements;

public sealed class EngagementsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<EngagementAccess>();
        services.AddScoped<EngagementQueries>();
        services.AddScoped<TodayQueries>();
        services.AddScoped<EngagementHubQueries>();
        services.AddScoped<EngagementCommands>();
        services.AddScoped<CoTherapists>();
        services.AddScoped<AgreementUseCases>();
        services.AddScoped<InvitationUseCases>();
        services.AddScoped<ProposalUseCases>();
        services.AddScoped<IDemoSeedStep, EngagementsDemoStep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapEngagementsApi();
}
