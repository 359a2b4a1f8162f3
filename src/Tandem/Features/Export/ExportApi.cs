using Tandem.Infrastructure.Security;

namespace Tandem.Features.Export;

/// <summary>Export (API.md, "Transparency, export, practice"): the record as FHIR R4 JSON.</summary>
public static class ExportApi
{
    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/engagements/{id:guid}/export/fhir", async (Guid id, FhirExport export, CancellationToken ct) =>
                Fhir(await export.ForEngagementAsync(id, ct), $"tandem-record-{id:N}.fhir.json"))
            .RequireAuthorization(Policies.Clinician).WithTags("Export")
            .Produces(StatusCodes.Status200OK, contentType: FhirExport.ContentType)
            .WithSummary("FHIR R4 Bundle (type collection) of everything you may see in this engagement (never private process notes; never another client's personal records).");

        app.MapGet("/api/me/export/fhir", async (FhirExport export, CancellationToken ct) =>
                Fhir(await export.ForMeAsync(ct), "tandem-my-record.fhir.json"))
            .RequireAuthorization(Policies.Clinician).WithTags("Export")
            .Produces(StatusCodes.Status200OK, contentType: FhirExport.ContentType)
            .WithSummary("FHIR R4 Bundle (type collection) of everything you may see in all your engagements.");
        return app;
    }

    private static IResult Fhir(Hl7.Fhir.Model.Bundle bundle, string fileName) =>
        Results.Text(FhirExport.Serialize(bundle), FhirExport.ContentType + "; charset=utf-8", System.Text.Encoding.UTF8)
            is var result && fileName.Length > 0 ? new Download(result, fileName) : result;

    /// <summary>Adds Content-Disposition so a browser saves the file under a sensible name.</summary>
    private sealed class Download(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
