using Tandem.Features.Demo;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Features.Sessions;

public sealed class SessionsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<SessionAccess>();
        services.AddScoped<ScheduleUseCases>();
        services.AddScoped<AgendaUseCases>();
        services.AddScoped<NoteUseCases>();
        services.AddScoped<PrivateNoteUseCases>();
        services.AddScoped<CalendarFeeds>();
        services.AddScoped<SessionEvents>();
        services.AddSingleton(SessionReminders.Timing.From(config));
        services.AddSingleton<SessionReminders>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionReminders>());
        services.AddScoped<IDemoSeedStep, SessionsDemoStep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapSessionsApi();
}
