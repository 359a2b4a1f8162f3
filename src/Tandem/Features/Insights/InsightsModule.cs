using System.Text;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Insights;

/// <summary>Practice insights (issues 10 and 20): effectiveness and collaboration fidelity from the practice's own routine data, under disclosure control.</summary>
public sealed class InsightsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<PracticeOutcomes>();
        services.AddSingleton(InsightsDemoStep.Size.From(config));
        services.AddScoped<Demo.IDemoSeedStep, InsightsDemoStep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var practice = app.MapGroup("/api/practice").WithTags("Practice");
        practice.MapGet("/outcomes", async (string? period, DateOnly? from, DateOnly? to, PracticeOutcomes outcomes, CancellationToken ct) =>
                TypedResults.Ok(await outcomes.ReportAsync(period, from, to, ct)))
            .RequireAuthorization(Policies.PracticeStaff)
            .WithSummary("Outcomes of one calendar period: ?period=2026 | 2026-Q3 | 2026-07 (default: the last quarter that is over), or ?from=&to= (yyyy-MM-dd), widened to the shortest month, quarter or year that holds them (period.note says so). A period still running, or one spanning two years, is refused (400) with a sentence. Practice admin: the whole practice, by format and (quarters and years) by therapist; therapist: their own caseload. Finished courses (ended in the period, first score ever to last, NHS Talking Therapies) beside courses still in treatment at the period's end. Disclosure control: no count of 1 to 4 people, none that can be worked out from the others; rates in whole percents, means to one decimal (docs/outcome-disclosure.md). Every read is audited with the group and the period.");
        practice.MapGet("/outcomes.csv", async (string? period, DateOnly? from, DateOnly? to, PracticeOutcomes outcomes, HttpContext http, CancellationToken ct) =>
            {
                var file = await outcomes.CsvAsync(period, from, to, ct);
                http.Response.Headers["Tandem-Rows"] = file.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
                http.Response.Headers["Tandem-Rows-Withheld"] = file.Withheld.ToString(System.Globalization.CultureInfo.InvariantCulture);
                http.Response.Headers["Tandem-Note"] = file.Summary;
                return TypedResults.File(Encoding.UTF8.GetBytes(file.Text), "text/csv; charset=utf-8", file.FileName);
            })
            .RequireAuthorization(Policies.PracticeAdmin)
            .WithSummary("De-identified rows for the practice admin, one per client and engagement open in the period (same periods as the report): no names, ids or dates; k-anonymous with k = 5 on format, therapist, start, status and the counts of sessions and scores (generalised, or rows withheld). Headers Tandem-Rows, Tandem-Rows-Withheld and Tandem-Note say what was done. Refused (422) with a sentence when the period has fewer than 5 courses.");
    }
}
