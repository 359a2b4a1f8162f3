using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Practices;

public sealed record PracticeSettingsRequest(string? ExpectedReply, string? CrisisInformation);

/// <summary>Practice-wide settings (expected reply time, crisis information): read by everyone signed in, set by the admin.</summary>
public sealed class PracticeSettingsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config) => services.AddScoped<PracticeSettingsUseCases>();

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/api/practice/settings").WithTags("Practice");
        settings.MapGet("", async (PracticeSettingsUseCases u, CancellationToken ct) => TypedResults.Ok(await u.GetAsync(ct)))
            .RequireAuthorization(Policies.SignedIn)
            .WithSummary("The caller's practice: expected reply time for messages and crisis information (Markdown).");
        settings.MapPut("", async ([FromBody] PracticeSettingsRequest request, PracticeSettingsUseCases u, CancellationToken ct) =>
                TypedResults.Ok(await u.UpdateAsync(request.ExpectedReply, request.CrisisInformation, ct)))
            .RequireAuthorization(Policies.PracticeAdmin)
            .WithSummary("Change the expected reply time (1-100 characters) and crisis information (1-2,000 characters) (practice admin).");
    }
}
