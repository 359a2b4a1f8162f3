using System.Text;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Insights;

/// <summary>Practice insights (issue 10): effectiveness and collaboration fidelity from the practice's own routine data.</summary>
public sealed class InsightsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<PracticeOutcomes>();
        services.AddScoped<Demo.IDemoSeedStep, InsightsDemoStep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var practice = app.MapGroup("/api/practice").WithTags("Practice");
        practice.MapGet("/outcomes", async (DateOnly? from, DateOnly? to, PracticeOutcomes outcomes, CancellationToken ct) =>
                TypedResults.Ok(await outcomes.ReportAsync(from, to, ct)))
            .RequireAuthorization(Policies.PracticeStaff)
            .WithSummary("Aggregate effectiveness and collaboration fidelity for the period (?from=yyyy-MM-dd&to=yyyy-MM-dd, whole days in the viewer's time zone; default the last 12 months). Practice admin: the whole practice, by therapist and by format; therapist: their own caseload. Figures about fewer than 5 people are suppressed.");
        practice.MapGet("/outcomes.csv", async (DateOnly? from, DateOnly? to, PracticeOutcomes outcomes, CancellationToken ct) =>
                TypedResults.File(Encoding.UTF8.GetBytes(await outcomes.CsvAsync(from, to, ct)), "text/csv; charset=utf-8", "tandem-outcomes.csv"))
            .RequireAuthorization(Policies.PracticeAdmin)
            .WithSummary("De-identified rows (one per client and engagement; no names, ids or exact dates) for the practice admin. Refused when the period has fewer than 5 people.");
    }
}
