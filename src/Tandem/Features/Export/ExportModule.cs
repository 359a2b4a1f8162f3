using Tandem.Infrastructure.Hosting;

namespace Tandem.Features.Export;

public sealed class ExportModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<ExportRecordLoader>();
        services.AddScoped<FhirExport>();
        services.AddScoped<PrintableRecord>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapExportApi();
}
