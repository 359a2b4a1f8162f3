using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Accounts;

public sealed record EndedSessions(int Ended);

/// <summary>A person's own sign-in sessions: where they are signed in, and ending them (issue 19, finding 5).</summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/me/sessions").WithTags("Auth").RequireAuthorization(Policies.SignedIn);
        sessions.MapGet("", ListAsync)
            .WithSummary("Where you are signed in: device, address and what kind of place it is, when you signed in and were last seen; 'current' marks this one.");
        sessions.MapPost("/{id:guid}/end", EndAsync)
            .WithSummary("End one of your sessions (204): its cookie or tokens open nothing afterwards. Anyone else's id is 404.");
        sessions.MapPost("/end-others", EndOthersAsync)
            .WithSummary("End every session of yours except this one.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SignInSessionView>>> ListAsync(ClaimsPrincipal user, SignInSessions sessions, CancellationToken ct) =>
        TypedResults.Ok(await sessions.ListAsync(UserId(user), SignInSessions.CurrentId(user), ct));

    private static async Task<NoContent> EndAsync(Guid id, ClaimsPrincipal user, SignInSessions sessions, CancellationToken ct)
    {
        if (!await sessions.EndAsync(UserId(user), id, SessionEndReasons.EndedByPerson, ct))
        {
            throw new DomainException("You have no open session with that id.", DomainError.NotFound);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Ok<EndedSessions>> EndOthersAsync(ClaimsPrincipal user, SignInSessions sessions, CancellationToken ct) =>
        TypedResults.Ok(new EndedSessions(await sessions.EndOthersAsync(UserId(user), SignInSessions.CurrentId(user), SessionEndReasons.EndedByPerson, ct)));

    private static Guid UserId(ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);
}
