using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Measures;

public sealed record AnswerRequest([property: Required, MaxLength(40)] string? LinkId, JsonElement Value);

/// <summary>The documented shape; the use case checks it after access (a stranger gets 404 whatever the body).</summary>
public sealed record SubmitResponseRequest(
    [property: Required, MaxLength(40)] string? InstrumentId,
    [property: Required, MaxLength(AnswerValidation.MaxAnswers)] IReadOnlyList<AnswerRequest>? Answers,
    Guid? SessionId);

public sealed record InstrumentView(string Id, string Title, JsonElement Questionnaire);

/// <summary>The documented shape; the use case checks it after access.</summary>
public sealed record ScheduleRequest(
    [property: Required, MaxLength(40)] string? InstrumentId,
    [property: Required] ScheduleKind? Kind,
    [property: Range(1, MeasureSchedule.MaxWeeks)] int? IntervalWeeks,
    [property: Range(1, MeasureSchedule.MaxLeadHours)] int? LeadHours);

/// <summary>Norms of an instrument and two scores, for the Jacobson-Truax calculator.</summary>
public sealed record JacobsonTruaxRequest(
    [property: Required, Range(-1e6, 1e6)] double? MeanDysfunctional,
    [property: Required, Range(1e-6, 1e6)] double? SdDysfunctional,
    [property: Required, Range(-1e6, 1e6)] double? MeanFunctional,
    [property: Required, Range(1e-6, 1e6)] double? SdFunctional,
    [property: Required, Range(0, 0.9999)] double? Reliability,
    bool? LowerIsBetter,
    [property: Required, Range(-1e6, 1e6)] double? First,
    [property: Required, Range(-1e6, 1e6)] double? Latest);

public sealed record CrisisInformationRequest([property: Required, MaxLength(Tandem.Features.Practices.PracticeSettings.CrisisInformationMaxLength)] string? Text);

/// <summary>Measures (API.md): instruments, responses, progress, alerts, schedules, crisis information.</summary>
public static class MeasuresApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapMeasuresApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/instruments", async (PracticeInstruments instruments, CancellationToken ct) => TypedResults.Ok((await instruments.AllForUseAsync(ct)).Select(i =>
                new InstrumentView(i.Id, i.Title, JsonDocument.Parse(i.QuestionnaireJson).RootElement.Clone())).ToList()))
            .RequireAuthorization(Policies.SignedIn).WithTags("Measures")
            .WithSummary("The instruments: Tandem's built-ins, then your practice's enabled imported ones, each with its FHIR R4 Questionnaire.");

        var engagements = app.MapGroup("/api/engagements/{id:guid}").WithTags("Measures").RequireAuthorization(Policies.Clinician);
        engagements.MapPost("/responses", SubmitAsync)
            .WithSummary("Submit a questionnaire (value: the answer's score for a choice item, text for a text item). Idempotency-Key header: a replay returns the first result.");
        engagements.MapGet("/responses", async (Guid id, [FromQuery] string? instrumentId, MeasureQueries q, CancellationToken ct) => TypedResults.Ok(await q.ResponsesAsync(id, instrumentId, ct)))
            .WithSummary("Questionnaire responses: your own; therapists see every participant's.");
        engagements.MapGet("/progress", async (Guid id, ProgressQueries q, CancellationToken ct) => TypedResults.Ok(await q.ForEngagementAsync(id, ct)))
            .WithSummary("Per person and instrument: series, bands, caseness, reliable change, recovery; Collaboration Checks side by side; open alerts (therapists).");
        engagements.MapGet("/preferences", async (Guid id, MeasureQueries q, CancellationToken ct) => TypedResults.Ok((await q.PreferencesAsync(id, ct)).Results))
            .WithSummary("Each client's latest preferences result and the suggested format (shared with every participant; the answers stay personal).");
        engagements.MapGet("/schedules", async (Guid id, ScheduleUseCases s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(id, ct)))
            .WithSummary("When each instrument is asked for in this engagement.");
        engagements.MapPost("/schedules", CreateScheduleAsync)
            .WithSummary("Ask for an instrument before each session, every N weeks, or once (therapists).");

        app.MapPost("/api/schedules/{id:guid}/stop", async (Guid id, ScheduleUseCases s, CancellationToken ct) =>
            {
                await s.StopAsync(id, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.Therapist).WithTags("Measures").WithSummary("Stop a schedule (therapists of the engagement).");

        app.MapGet("/api/me/due", async (ScheduleUseCases s, CancellationToken ct) => TypedResults.Ok(await s.DueForMeAsync(ct)))
            .RequireAuthorization(Policies.Clinician).WithTags("Measures").WithSummary("What you are asked to fill in now.");

        var alerts = app.MapGroup("/api/alerts").WithTags("Measures").RequireAuthorization(Policies.Therapist);
        alerts.MapGet("", ListAlertsAsync)
            .WithSummary("Open alerts of your engagements, each with the rule that fired (therapists). Every open risk alert is on the first page, first; " +
                "the others follow newest first, a page at a time (X-Total-Count, X-Risk-Count and a Link rel=\"next\" header). " +
                "Filters: clientId, kind; ended engagements only with includeEnded=true.");
        alerts.MapGet("/recently-closed", async (AlertUseCases a, CancellationToken ct) => TypedResults.Ok(await a.RecentlyClosedForMeAsync(ct)))
            .WithSummary("Alerts Tandem closed in the last 14 days, each with the reason (therapists).");
        alerts.MapPost("/{id:guid}/acknowledge", async (Guid id, AlertUseCases a, CancellationToken ct) => TypedResults.Ok(await a.AcknowledgeAsync(id, ct)))
            .WithSummary("Acknowledge an alert (therapists of the engagement). It can be undone for a minute.");
        alerts.MapPost("/{id:guid}/undo-acknowledge", async (Guid id, AlertUseCases a, CancellationToken ct) => TypedResults.Ok(await a.UndoAcknowledgementAsync(id, ct)))
            .WithSummary("Take back your own acknowledgement within a minute: the alert is open again.");

        app.MapPost("/api/measures/jacobson-truax", JacobsonTruaxAsync)
            .RequireAuthorization(Policies.Clinician).WithTags("Measures")
            .WithSummary("Jacobson-Truax reliable change and clinical significance for any instrument with published norms (nothing is stored).");

        app.MapGet("/api/practice/crisis-information", async (CrisisInformationUseCases c, CancellationToken ct) => TypedResults.Ok(await c.GetAsync(ct)))
            .RequireAuthorization(Policies.SignedIn).WithTags("Practice").WithSummary("The practice's crisis information, shown at once after a risk answer.");
        app.MapPut("/api/practice/crisis-information", UpdateCrisisAsync)
            .RequireAuthorization(Policies.PracticeAdmin).WithTags("Practice").WithSummary("Change the practice's crisis information (practice admin).");
        return app;
    }

    // The use case checks the body itself, after access: someone else's engagement is 404 whatever the body says.
    private static async Task<Created<ResponseResult>> SubmitAsync(
        Guid id, [FromBody] SubmitResponseRequest request, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, SubmitResponse submit, HttpContext http, CancellationToken ct)
    {
        var command = new SubmitResponseCommand(request.InstrumentId, (request.Answers ?? []).Select(a => new RawAnswer(a?.LinkId, a?.Value ?? default)).ToList(), request.SessionId);
        var result = await submit.HandleAsync(id, command, idempotencyKey, ct);
        if (result.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Created($"/api/engagements/{id}/responses?instrumentId={result.InstrumentId}", result);
    }

    private static async Task<Ok<IReadOnlyList<AlertView>>> ListAlertsAsync(
        [FromQuery] int? page, [FromQuery] Guid? clientId, [FromQuery] Scoring.AlertKind? kind, [FromQuery] bool? includeEnded, AlertUseCases alerts, HttpContext http, CancellationToken ct)
    {
        var result = await alerts.OpenForMeAsync(new AlertFilter(page ?? 1, clientId, kind, includeEnded ?? false), ct);
        http.Response.Headers["X-Total-Count"] = result.OpenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Risk-Count"] = result.RiskCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (result.HasMore)
        {
            var query = http.Request.Query.Where(q => q.Key != "page").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"page={result.Page + 1}");
            http.Response.Headers.Link = $"</api/alerts?{string.Join('&', query)}>; rel=\"next\"";
        }

        return TypedResults.Ok(result.Alerts);
    }

    // Checked by the use case after access, so a non-participant gets 404 whatever the body.
    private static async Task<Created<ScheduleView>> CreateScheduleAsync(Guid id, [FromBody] ScheduleRequest request, ScheduleUseCases schedules, CancellationToken ct)
    {
        var view = await schedules.CreateAsync(id, request.InstrumentId, request.Kind ?? (ScheduleKind)(-1), request.IntervalWeeks, request.LeadHours, ct);
        return TypedResults.Created($"/api/engagements/{id}/schedules", view);
    }

    private static Results<Ok<Scoring.JacobsonTruaxResult>, ValidationProblem> JacobsonTruaxAsync([FromBody] JacobsonTruaxRequest request)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var norms = new Scoring.InstrumentNorms(request.MeanDysfunctional!.Value, request.SdDysfunctional!.Value, request.MeanFunctional!.Value, request.SdFunctional!.Value,
            request.Reliability!.Value, request.LowerIsBetter ?? true);
        return TypedResults.Ok(Scoring.JacobsonTruax.Evaluate(norms, request.First!.Value, request.Latest!.Value));
    }

    private static async Task<Results<Ok<CrisisInformationView>, ValidationProblem>> UpdateCrisisAsync([FromBody] CrisisInformationRequest request, CrisisInformationUseCases crisis, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(await crisis.UpdateAsync(request.Text!, ct));
    }
}
