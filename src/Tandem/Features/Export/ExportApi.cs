using Tandem.Infrastructure.Security;

namespace Tandem.Features.Export;

/// <summary>Export (API.md, "Transparency, export, practice"): the record as FHIR R4 JSON.</summary>
public static class ExportApi
{
    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/engagements/{id:guid}/export/fhir", async (Guid id, FhirExport export, CancellationToken ct) =>
                new FhirDownload(await export.ForEngagementAsync(id, ct), $"tandem-record-{id:N}.fhir.json"))
            .RequireAuthorization(Policies.Clinician).WithTags("Export")
            .Produces(StatusCodes.Status200OK, contentType: FhirExport.ContentType)
            .WithSummary("FHIR R4 Bundle (type collection) of everything you may see in this engagement (never private process notes; never another client's personal records).");

        app.MapGet("/api/me/export/fhir", async (FhirExport export, CancellationToken ct) =>
                new FhirDownload(await export.ForMeAsync(ct), "tandem-my-record.fhir.json"))
            .RequireAuthorization(Policies.Clinician).WithTags("Export")
            .Produces(StatusCodes.Status200OK, contentType: FhirExport.ContentType)
            .WithSummary("FHIR R4 Bundle (type collection) of everything you may see in all your engagements.");
        return app;
    }

    /// <summary>
    /// The bundle written straight into the response as UTF-8 JSON, saved by a browser under a sensible name. No
    /// text copy of the whole file first: a client with a long record used to cost its JSON twice more in memory
    /// (as a string, then as UTF-8 bytes) on top of the bundle itself.
    /// </summary>
    internal sealed class FhirDownload(Hl7.Fhir.Model.Bundle bundle, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = FhirExport.ContentType + "; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            response.Headers.CacheControl = "no-store";
            await FhirExport.SerializeAsync(response.BodyWriter, bundle, httpContext.RequestAborted);
        }
    }
}
