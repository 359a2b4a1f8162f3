using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Messages;

/// <summary>Markdown, up to 4,000 characters. <c>withClient</c>: post in the one-to-one thread with that client.</summary>
public sealed record PostMessageRequest(string? Body, Guid? WithClient);

public sealed record MessagingSettingsRequest(bool? AllowPrivateThreads);

/// <summary>Messages (API.md): participants only; everyone else, and anyone outside a one-to-one thread, gets 404.</summary>
public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var engagement = app.MapGroup("/api/engagements/{id:guid}/messages").WithTags("Messages").RequireAuthorization(Policies.Clinician);
        engagement.MapGet("", ListAsync)
            .WithSummary("A page of a thread, oldest first: the shared conversation, or ?withClient={userId} for a one-to-one thread. ?before={sequence} pages back; ?limit= up to 200 (default 50).");
        engagement.MapPost("", PostAsync)
            .WithSummary("Send a message {body, withClient?}. Markdown, 1 to 4,000 characters; 422 otherwise. Participants are told live and by email (no content in the email).");
        engagement.MapPut("/settings", SetSettingsAsync)
            .WithSummary("Allow or stop one-to-one threads between a therapist and one client {allowPrivateThreads} (therapists of the engagement).");

        var messages = app.MapGroup("/api/messages").WithTags("Messages").RequireAuthorization(Policies.Clinician);
        messages.MapPost("/{id:guid}/read", async (Guid id, MessageUseCases u, CancellationToken ct) => TypedResults.Ok(await u.MarkReadAsync(id, ct)))
            .WithSummary("Mark this message and everything before it in its thread as read by the caller (a read receipt for the others).");
        messages.MapGet("/unread", async (MessageReader r, CancellationToken ct) => TypedResults.Ok(await r.UnreadForMeAsync(ct)))
            .WithSummary("Unread messages per engagement of the caller.");
        return app;
    }

    private static async Task<Ok<MessagePage>> ListAsync(Guid id, [FromQuery] Guid? withClient, [FromQuery] long? before, [FromQuery] int? limit,
        MessageUseCases u, CancellationToken ct) =>
        TypedResults.Ok(await u.ListAsync(id, withClient, before, limit ?? 50, ct));

    // The body is checked by the use case after access: a non-participant gets 404 whatever they send.
    private static async Task<Created<MessageView>> PostAsync(Guid id, [FromBody] PostMessageRequest request, MessageUseCases u, CancellationToken ct)
    {
        var view = await u.PostAsync(id, request.WithClient, request.Body, ct);
        return TypedResults.Created($"/api/engagements/{id}/messages", view);
    }

    private static async Task<Ok<MessagingSettingsRequest>> SetSettingsAsync(Guid id, [FromBody] MessagingSettingsRequest request, MessageUseCases u, CancellationToken ct) =>
        TypedResults.Ok(new MessagingSettingsRequest(await u.SetPrivateThreadsAsync(id, request.AllowPrivateThreads, ct)));
}
