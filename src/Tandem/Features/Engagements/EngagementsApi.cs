using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Features.Agreements;
using Tandem.Features.Invitations;
using Tandem.Features.Proposals;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Engagements;

public sealed record StartEngagementRequest([property: Required, MaxLength(Engagement.TitleMaxLength)] string Title, [property: Required] EngagementFormat? Format);

public sealed record InviteRequest([property: Required, MaxLength(254)] string Email, ParticipantRole? Role);

public sealed record AddCoTherapistRequest([property: Required] Guid? UserId);

public sealed record AcceptInvitationRequest([property: Required, MaxLength(80)] string DisplayName, [property: Required, MaxLength(256)] string Password);

public sealed record FormatRequest([property: Required] EngagementFormat? Format, [property: MaxLength(Proposal.ReasonMaxLength)] string? Reason);

public sealed record ProposalAnswerRequest([property: MaxLength(Proposal.ReasonMaxLength)] string? Comment);

public sealed record CounterProposalRequest([property: Required, MaxLength(4000)] string? Text, [property: MaxLength(4000)] string? WhyItMatters, [property: MaxLength(Proposal.ReasonMaxLength)] string? Reason);

/// <summary>Engagements, invitations, the collaboration agreement and format proposals (API.md).</summary>
public static class EngagementsApi
{
    public static IEndpointRouteBuilder MapEngagementsApi(this IEndpointRouteBuilder app)
    {
        // Reads are open to any signed-in person at the door; EngagementAccess then decides
        // (participants, or an admin under break-glass). Writes are for clients and therapists.
        var engagements = app.MapGroup("/api/engagements").WithTags("Engagements").RequireAuthorization(Policies.SignedIn);
        engagements.MapGet("", async (EngagementQueries q, CancellationToken ct) => TypedResults.Ok(await q.MineAsync(ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("The caller's engagements with their participants.");
        engagements.MapPost("", StartAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Start an engagement (therapist); the therapist is its first participant.");
        engagements.MapGet("/{id:guid}", async (Guid id, EngagementQueries q, CancellationToken ct) => TypedResults.Ok(await q.GetAsync(id, ct)))
            .WithSummary("One engagement; participants only, everyone else 404.");
        engagements.MapPost("/{id:guid}/pause", async (Guid id, EngagementCommands c, CancellationToken ct) => TypedResults.Ok(await c.PauseAsync(id, ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("Pause the work (therapist).");
        engagements.MapPost("/{id:guid}/resume", async (Guid id, EngagementCommands c, CancellationToken ct) => TypedResults.Ok(await c.ResumeAsync(id, ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("Resume paused work once every client has signed (therapist).");
        engagements.MapPost("/{id:guid}/end", async (Guid id, EngagementCommands c, CancellationToken ct) => TypedResults.Ok(await c.EndAsync(id, ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("End the engagement (therapist). The record stays readable and takes no new content.");
        engagements.MapPost("/{id:guid}/invitations", InviteAsync).RequireAuthorization(Policies.Clinician)
            .WithSummary("Invite a client by email (therapists of the engagement). Single use, 7 days. Never staff: role Therapist is refused (422); add a co-therapist with POST /therapists.");
        engagements.MapGet("/{id:guid}/therapists/candidates", async (Guid id, CoTherapists c, CancellationToken ct) => TypedResults.Ok(await c.CandidatesAsync(id, ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("The practice's active therapists who could join as co-therapist (therapists of the engagement).");
        engagements.MapPost("/{id:guid}/therapists", AddCoTherapistAsync).RequireAuthorization(Policies.Clinician)
            .WithSummary("Add an active therapist of the same practice as co-therapist (therapists of the engagement). The clients are emailed and it shows in their access log. Anyone else's id is 404.");
        engagements.MapGet("/{id:guid}/agreement", async (Guid id, AgreementUseCases a, CancellationToken ct) => TypedResults.Ok(await a.GetAsync(id, ct)))
            .WithSummary("The collaboration agreement in force and who has signed it.");
        engagements.MapPost("/{id:guid}/agreement/sign", async (Guid id, AgreementUseCases a, CancellationToken ct) => TypedResults.Ok(await a.SignAsync(id, ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("Sign the agreement version in force (time, version hash and source address are recorded).");
        engagements.MapPost("/{id:guid}/agreement/withdraw", async (Guid id, AgreementUseCases a, CancellationToken ct) => TypedResults.Ok(await a.WithdrawAsync(id, ct))).RequireAuthorization(Policies.Clinician)
            .WithSummary("Withdraw your signature: the engagement pauses and the therapists are told.");
        engagements.MapPost("/{id:guid}/format", ProposeFormatAsync).RequireAuthorization(Policies.Clinician)
            .WithSummary("Propose a format change; it applies when every other participant accepts.");
        engagements.MapGet("/{id:guid}/proposals", async (Guid id, ProposalUseCases p, CancellationToken ct) => TypedResults.Ok(await p.ListAsync(id, ct)))
            .WithSummary("Every proposal of the engagement, decided ones included.");

        var proposals = app.MapGroup("/api/proposals").WithTags("Engagements").RequireAuthorization(Policies.Clinician);
        proposals.MapPost("/{id:guid}/accept", (Guid id, [FromBody] ProposalAnswerRequest? body, ProposalUseCases p, CancellationToken ct) => AnswerAsync(id, true, body, p, ct))
            .WithSummary("Accept a proposal (with an optional comment).");
        proposals.MapPost("/{id:guid}/decline", (Guid id, [FromBody] ProposalAnswerRequest? body, ProposalUseCases p, CancellationToken ct) => AnswerAsync(id, false, body, p, ct))
            .WithSummary("Decline a proposal (with an optional comment). It stays in the history.");
        proposals.MapPost("/{id:guid}/counter", async (Guid id, CounterProposalRequest body, ProposalUseCases p, CancellationToken ct) =>
            {
                var view = await p.CounterAsync(id, body.Text, body.WhyItMatters, body.Reason, ct);
                return TypedResults.Created($"/api/engagements/{view.EngagementId}/proposals", view);
            })
            .WithSummary("Suggest different wording (issue 22): declines the proposal and proposes the same change in the caller's words, in one step (201 with the new proposal). Only goals, the focus and questions have wording; others are 422.");

        app.MapPost("/api/invitations/{token}/accept", AcceptAsync).AllowAnonymous().WithTags("Engagements")
            .WithSummary("Accept an invitation: creates the account for the invited address and joins the engagement (201). When the address already has a Tandem account and nobody is signed in with it: 202, nothing changes, and the account's owner is emailed to sign in and open the link again.");

        var practice = app.MapGroup("/api/practice").WithTags("Practice").RequireAuthorization(Policies.PracticeAdmin);
        practice.MapGet("/engagements", async (EngagementQueries q, CancellationToken ct) => TypedResults.Ok(await q.ForPracticeAdminAsync(ct)))
            .WithSummary("Who is in which engagement and its status. No titles, no clinical content.");
        practice.MapPost("/invitations", InviteToPracticeAsync)
            .WithSummary("Invite a therapist (role Therapist, the default) or a client (role Client) to the practice by email. 409 with a sentence when the address already has an account in this practice or an invitation is waiting.");
        return app;
    }

    private static async Task<Results<Created<EngagementView>, ValidationProblem>> StartAsync([FromBody] StartEngagementRequest request, EngagementCommands commands, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var view = await commands.StartAsync(new StartEngagementCommand(request.Title, request.Format!.Value), ct);
        return TypedResults.Created($"/api/engagements/{view.Id}", view);
    }

    private static async Task<Results<Created<InviteResult>, ValidationProblem>> InviteAsync(Guid id, [FromBody] InviteRequest request, InvitationUseCases invitations, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var result = await invitations.InviteToEngagementAsync(id, request.Email, request.Role ?? ParticipantRole.Client, ct);
        return TypedResults.Created($"/api/engagements/{id}", result);
    }

    private static async Task<Results<Ok<EngagementView>, ValidationProblem>> AddCoTherapistAsync(Guid id, [FromBody] AddCoTherapistRequest request, CoTherapists coTherapists, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(await coTherapists.AddAsync(id, request.UserId!.Value, ct));
    }

    private static async Task<Results<Created<InviteResult>, ValidationProblem>> InviteToPracticeAsync([FromBody] InviteRequest request, InvitationUseCases invitations, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Created("/api/practice/people", await invitations.InviteToPracticeAsync(request.Email, request.Role ?? ParticipantRole.Therapist, ct));
    }

    /// <summary>201 with the new account; 202 when the address already has one (nothing changed, its owner is emailed how to finish).</summary>
    private static async Task<Results<Created<AcceptResult>, Accepted<AcceptResult>, ValidationProblem>> AcceptAsync(string token, [FromBody] AcceptInvitationRequest request, InvitationUseCases invitations, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var result = await invitations.AcceptAsync(token, new AcceptInvitationCommand(request.DisplayName, request.Password), ct);
        if (result.EmailSent)
        {
            return TypedResults.Accepted((string?)null, result);
        }

        return TypedResults.Created(result.EngagementId is { } e ? $"/api/engagements/{e}" : "/api/me", result);
    }

    private static async Task<Results<Created<ProposalView>, ValidationProblem>> ProposeFormatAsync(Guid id, [FromBody] FormatRequest request, ProposalUseCases proposals, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var view = await proposals.ProposeFormatAsync(id, request.Format!.Value, request.Reason, ct);
        return TypedResults.Created($"/api/engagements/{id}/proposals", view);
    }

    private static async Task<Results<Ok<ProposalView>, ValidationProblem>> AnswerAsync(Guid id, bool accept, ProposalAnswerRequest? body, ProposalUseCases proposals, CancellationToken ct)
    {
        if (body is not null && Validation.Check(body) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(await proposals.RespondAsync(id, accept, body?.Comment, ct));
    }
}
