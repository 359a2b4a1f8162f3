using Microsoft.AspNetCore.Mvc;
using Tandem.Features.Measures.Reviews;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Measures;

/// <summary>Shared reviews when the work is off track (issue 24). Lengths and rules are checked by the use case after access (a stranger gets 404 whatever the body).</summary>
public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var reviews = app.MapGroup("/api/engagements/{id:guid}/reviews").WithTags("Measures").RequireAuthorization(Policies.Clinician);
        reviews.MapGet("", async (Guid id, OffTrackReviews r, CancellationToken ct) => TypedResults.Ok(await r.ListAsync(id, ct)))
            .WithSummary("Reviews opened when the work looked off track: a client sees their own, therapists every client's. The other side's answers show once both are in.");
        reviews.MapGet("/{reviewId:guid}", async (Guid id, Guid reviewId, OffTrackReviews r, CancellationToken ct) => TypedResults.Ok(await r.GetAsync(id, reviewId, ct)))
            .WithSummary("One review.");
        reviews.MapPost("/{reviewId:guid}/client", async (Guid id, Guid reviewId, [FromBody] ClientReviewAnswers answers, OffTrackReviews r, CancellationToken ct) =>
                TypedResults.Ok(await r.AnswerAsClientAsync(id, reviewId, answers, ct)))
            .WithSummary("The client's side (planFit, pace, life, support; at least one, each up to 1000 characters).");
        reviews.MapPost("/{reviewId:guid}/decline", async (Guid id, Guid reviewId, OffTrackReviews r, CancellationToken ct) => TypedResults.Ok(await r.DeclineAsync(id, reviewId, ct)))
            .WithSummary("The client says no thanks to the review.");
        reviews.MapPost("/{reviewId:guid}/therapist", async (Guid id, Guid reviewId, [FromBody] TherapistReviewAnswers answers, OffTrackReviews r, CancellationToken ct) =>
                TypedResults.Ok(await r.AnswerAsTherapistAsync(id, reviewId, answers, ct)))
            .WithSummary("The therapist's side (alliance, motivation, lifeEvents, support, approach; at least one, each up to 1000 characters).");
        reviews.MapPost("/{reviewId:guid}/proposal", async (Guid id, Guid reviewId, [FromBody] ReviewProposalRequest request, OffTrackReviews r, CancellationToken ct) =>
                TypedResults.Created($"/api/engagements/{id}/proposals", await r.ProposeAsync(id, reviewId, request, ct)))
            .WithSummary("Make what was agreed a plan proposal (kind AddGoal or SetFocus, text, whyItMatters), answered by the others as any proposal.");
        return app;
    }
}
