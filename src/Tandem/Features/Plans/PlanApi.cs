using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Features.Proposals;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Plans;

public sealed record ProposalRequest(
    [property: Required] ProposalKind? Kind,
    [property: MaxLength(Plan.FocusMaxLength)] string? Text,
    [property: MaxLength(Plan.WhyMaxLength)] string? WhyItMatters,
    Guid? GoalId,
    Engagements.EngagementFormat? Format,
    [property: MaxLength(Proposal.ReasonMaxLength)] string? Reason);

public sealed record FocusRequest([property: Required(AllowEmptyStrings = true), MaxLength(Plan.FocusMaxLength)] string Focus);

public sealed record RatingRequest([property: Required, Range(0, 10)] int? Value, [property: Range(-2, 2)] int? Attainment);

public sealed record CommitmentRequest([property: Required, MaxLength(Plan.TextMaxLength)] string Text, [property: Required] Guid? OwnerId, DateOnly? Due);

public sealed record CommentRequest([property: Required, MaxLength(Proposal.ReasonMaxLength)] string Comment);

/// <summary>The shared plan (API.md, Plans, goals, proposals, commitments).</summary>
public static class PlanApi
{
    public static IEndpointRouteBuilder MapPlanApi(this IEndpointRouteBuilder app)
    {
        // Reads: any signed-in person at the door, EngagementAccess decides (participants, or break-glass). Writes: clients and therapists.
        var engagement = app.MapGroup("/api/engagements/{id:guid}").WithTags("Plans").RequireAuthorization(Policies.SignedIn);
        engagement.MapGet("/plan", GetAsync).WithSummary("The shared plan, with an ETag (its version).");
        engagement.MapPut("/plan", PutFocusAsync).RequireAuthorization(Policies.Clinician)
            .WithSummary("Edit the focus directly (only for someone the format lets decide alone). Needs If-Match: 428 without it, 412 when stale.");
        engagement.MapPost("/proposals", ProposeAsync).RequireAuthorization(Policies.Clinician)
            .WithSummary("Propose a change (AddGoal, EditGoal, RetireGoal, AchieveGoal, SetFocus, AddQuestion, ChangeFormat). Applied at once when the format lets the proposer decide alone.");
        engagement.MapGet("/plan/history", async (Guid id, int? before, int? take, PlanUseCases plans, CancellationToken ct) => TypedResults.Ok(await plans.HistoryAsync(id, before, take ?? 100, ct)))
            .WithSummary("Every version of the plan with author, time, the proposal that made it and what changed; newest first, paged with ?before=<number>&take=<n>.");
        engagement.MapPost("/goals/{goalId:guid}/ratings", RateAsync).RequireAuthorization(Policies.Clinician).WithSummary("Rate progress toward a goal, 0 to 10 (optionally a GAS level -2..+2).");
        engagement.MapPost("/goals/{goalId:guid}/agree", async (Guid id, Guid goalId, PlanUseCases plans, CancellationToken ct) => TypedResults.Ok(await plans.AgreeToGoalAsync(id, goalId, ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("A client agrees to a goal; it is Agreed when every client has.");
        engagement.MapPost("/commitments", AddCommitmentAsync).RequireAuthorization(Policies.Clinician).WithSummary("Add a commitment for any participant, the therapist included.");

        app.MapPost("/api/commitments/{id:guid}/complete", async (Guid id, PlanUseCases plans, CancellationToken ct) => TypedResults.Ok(await plans.CompleteCommitmentAsync(id, ct)))
            .RequireAuthorization(Policies.Clinician).WithTags("Plans").WithSummary("Mark a commitment done (its owner or a therapist).");
        app.MapPost("/api/proposals/{id:guid}/comments", CommentAsync)
            .RequireAuthorization(Policies.Clinician).WithTags("Plans").WithSummary("Comment on a proposal without deciding it.");
        return app;
    }

    private static async Task<Ok<PlanView>> GetAsync(Guid id, HttpContext http, PlanUseCases plans, CancellationToken ct)
    {
        var view = await plans.GetAsync(id, ct);
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<PlanView>, ValidationProblem>> PutFocusAsync(Guid id, [FromBody] FocusRequest request, HttpContext http, PlanUseCases plans, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var view = await plans.SetFocusAsync(id, request.Focus, ParseIfMatch(http), ct);
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Created<ProposalView>, ValidationProblem>> ProposeAsync(Guid id, [FromBody] ProposalRequest request, ProposalUseCases proposals, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var view = await proposals.ProposeAsync(id, request.Kind!.Value, new ProposalPayload(request.Text, request.WhyItMatters, request.GoalId, request.Format), request.Reason, ct);
        return TypedResults.Created($"/api/engagements/{id}/proposals", view);
    }

    private static async Task<Results<Created<RatingView>, ValidationProblem>> RateAsync(Guid id, Guid goalId, [FromBody] RatingRequest request, PlanUseCases plans, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Created($"/api/engagements/{id}/plan", await plans.RateGoalAsync(id, goalId, request.Value!.Value, request.Attainment, ct));
    }

    private static async Task<Results<Created<PlanView>, ValidationProblem>> AddCommitmentAsync(Guid id, [FromBody] CommitmentRequest request, PlanUseCases plans, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Created($"/api/engagements/{id}/plan", await plans.AddCommitmentAsync(id, request.Text, request.OwnerId!.Value, request.Due, ct));
    }

    private static async Task<Results<Ok<ProposalView>, ValidationProblem>> CommentAsync(Guid id, [FromBody] CommentRequest request, ProposalUseCases proposals, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(await proposals.CommentAsync(id, request.Comment, ct));
    }

    /// <summary>If-Match: "7" or W/"7". Missing is null (428); anything unreadable can never match (412).</summary>
    private static int? ParseIfMatch(HttpContext http)
    {
        var raw = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var value = raw.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return int.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
    }
}
