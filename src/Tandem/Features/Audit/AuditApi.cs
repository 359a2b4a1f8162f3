using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Audit;

public sealed record BreakGlassRequest([property: Required] Guid? EngagementId, [property: Required, MaxLength(BreakGlassGrant.ReasonMaxLength)] string Reason);

/// <summary>Transparency and accountability (API.md): access log, verification, break-glass, security log.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/engagements/{id:guid}/access-log", async (Guid id, Guid? who, string? kind, long? before, int? take, bool? others, AccessLog log, CancellationToken ct) =>
                TypedResults.Ok(await log.ForEngagementAsync(id, who, kind, before, take ?? 100, others == true, ct)))
            .RequireAuthorization(Policies.Clinician).WithTags("Transparency")
            .WithSummary("Who accessed what in this engagement, when and why, in plain words (participants only). Filter with ?who=<userId>&kind=read|change, leave out your own with ?others=true; page with ?before=<id>. In a couple or family a client does not see a partner's page views.");
        app.MapGet("/api/engagements/{id:guid}/access-log/summary", async (Guid id, AccessLog log, CancellationToken ct) =>
                TypedResults.Ok(await log.SummaryAsync(id, ct)))
            .RequireAuthorization(Policies.Clinician).WithTags("Transparency")
            .WithSummary("The last seven days at a glance: who else opened which part of the record how often, and a plain sentence saying so.");

        var practice = app.MapGroup("/api/practice").WithTags("Practice").RequireAuthorization(Policies.PracticeAdmin);
        practice.MapGet("/audit/verify", async (AuditUseCases audit, CancellationToken ct) => TypedResults.Ok(await audit.VerifyAsync(ct)))
            .WithSummary("Check the practice's whole audit chain: {ok, entries, firstBrokenAt?}.");
        practice.MapGet("/security-log", async (long? before, int? take, bool? needsLook, AuditUseCases audit, CancellationToken ct) => TypedResults.Ok(await audit.SecurityLogAsync(before, take ?? 100, needsLook ?? false, ct)))
            .WithSummary("Sign-ins, failures, lockouts, permission changes and break-glass use. No clinical content. ?needsLook=true: only what needs a look (last 7 days: accounts slowed down or locked after repeated failures, a sign-in token used twice, emergency access, a failed chain check).");
        practice.MapPost("/break-glass", BreakGlassAsync)
            .WithSummary("Emergency read access to one engagement for one hour; needs a reason; every participant is told.");
        return app;
    }

    private static async Task<Results<Created<BreakGlassResult>, ValidationProblem>> BreakGlassAsync([FromBody] BreakGlassRequest request, AuditUseCases audit, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var result = await audit.BreakGlassAsync(request.EngagementId!.Value, request.Reason, ct);
        return TypedResults.Created($"/api/engagements/{result.EngagementId}", result);
    }
}

public sealed class AuditModule : Infrastructure.Hosting.ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<AuditVerifier>();
        services.AddScoped<AuditHeads>();
        services.AddSingleton(AccessLogSettings.From(config));
        services.AddSingleton(KeptAccessLogPages.From(config));
        services.AddScoped<AccessLog>();
        services.AddScoped<AuditUseCases>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAuditApi();
}
