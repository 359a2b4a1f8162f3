using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Accounts;

/// <summary>The practice admin's view of people: accounts and roles, never clinical content.</summary>
public static class PeopleApi
{
    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/practice/people").WithTags("Practice").RequireAuthorization(Policies.PracticeAdmin);
        people.MapGet("", async (string? search, string? role, string? status, string? sort, ListPeople list, CancellationToken ct) =>
                TypedResults.Ok(await list.HandleAsync(new PeopleQuery(search, role, status, sort), ct)))
            .WithSummary("Everyone with an account in the admin's practice. ?search= (name or email), role=Therapist|Client|PracticeAdmin, status=active|deactivated|invited (invited: no accounts; see /api/practice/invitations), sort=name|role|created|active (last seen signed in). 422 with a sentence for anything else.");
        people.MapPost("/{id:guid}/deactivate", (Guid id, ClaimsPrincipal user, DeactivateAccount handler, CancellationToken ct) => SetActive(id, false, user, handler, ct))
            .WithSummary("Stop an account: its sessions and tokens stop working at once.");
        people.MapPost("/{id:guid}/reactivate", (Guid id, ClaimsPrincipal user, DeactivateAccount handler, CancellationToken ct) => SetActive(id, true, user, handler, ct))
            .WithSummary("Restore a deactivated account (the person signs in again).");
        people.MapPost("/{id:guid}/password-reset", async (Guid id, PasswordReset reset, CancellationToken ct) =>
            {
                await reset.SendForAsync(id, ct);
                return TypedResults.Accepted((string?)null);
            })
            .WithSummary("Email a person of the practice a link to choose a new password (one use, one hour).");
        return app;
    }

    private static async Task<NoContent> SetActive(Guid id, bool active, ClaimsPrincipal user, DeactivateAccount handler, CancellationToken ct)
    {
        await handler.HandleAsync(Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!), id, active, ct);
        return TypedResults.NoContent();
    }
}
