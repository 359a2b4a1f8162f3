using Microsoft.Extensions.DependencyInjection.Extensions;
using Tandem.Features.Demo;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Features.Measures;

public sealed class MeasuresModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(_ => InstrumentCatalog.FromApp());
        services.AddSingleton<ImportedInstrumentCache>();
        services.AddScoped<PracticeInstruments>();
        services.AddScoped<PracticeInstrumentUseCases>();
        // The sessions feature registers the real one; until then "before each session" waits for a date.
        services.TryAddScoped<IUpcomingSessions, NoUpcomingSessions>();
        services.AddScoped<SubmitResponse>();
        services.AddScoped<Expected.ExpectedCurveStore>();
        services.AddScoped<Reviews.OffTrackReviews>();
        services.AddSingleton(Expected.ExpectedCurveRefresh.Timing.From(config));
        services.AddSingleton<Expected.ExpectedCurveRefresh>();
        services.AddHostedService(sp => sp.GetRequiredService<Expected.ExpectedCurveRefresh>());
        services.AddScoped<RiskAlerting>();
        services.AddScoped<IEngagementEndedStep, CloseAlertsWhenEngagementEnds>();
        services.AddScoped<IEngagementStartedStep, ApplyDefaultMeasures>();
        services.AddScoped<Proposals.IPlanChangeAgreedStep, OfferCollaborate>();
        services.AddScoped<MeasureQueries>();
        services.AddScoped<ProgressQueries>();
        services.AddScoped<AlertUseCases>();
        services.AddScoped<ScheduleUseCases>();
        services.AddScoped<CrisisInformationUseCases>();
        services.AddScoped<IDemoSeedStep, MeasuresDemoStep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapMeasuresApi();
        app.MapPracticeInstrumentsApi();
        app.MapReviewsApi();
    }
}
