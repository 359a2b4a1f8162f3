using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.GettingStarted;

public sealed record PreferenceAnswer(string? LinkId, int? Value);

/// <summary>
/// A request for a first conversation. <c>website</c> is a honeypot: people never see it; when
/// it is filled the answer is the same as for a stored request, but nothing is kept or sent.
/// The preferences result is sent as the check's answers and scored on the server.
/// </summary>
public sealed record FirstConversationApiRequest(
    Guid? TherapistId,
    string? Name,
    string? Email,
    string? Phone,
    string? Message,
    string? PreferredFormat,
    [property: MaxLength(20)] IReadOnlyList<PreferenceAnswer>? PreferenceAnswers,
    string? Website);

public sealed record DirectoryProfileRequest(
    bool IsListed,
    string? ProfileText,
    [property: MaxLength(DirectoryProfile.MaxTags * 2)] IReadOnlyList<string>? Approaches,
    [property: MaxLength(DirectoryProfile.MaxTags * 2)] IReadOnlyList<string>? Languages,
    bool OffersClientLed,
    bool OffersTherapistLed,
    bool Online,
    bool InPerson,
    bool AcceptingNewClients);

public sealed record ConvertRequest(EngagementFormat? Format, [property: MaxLength(Engagement.TitleMaxLength)] string? Title, [property: MaxLength(254)] string? Email);

/// <summary>The public directory, first-conversation requests, and a therapist's own listing (API.md).</summary>
public static class DirectoryApi
{
    public const string RequestsPath = "/api/directory/requests";

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        var directory = app.MapGroup("/api/directory").WithTags("Directory");
        directory.MapGet("", async (string? practice, string? format, string? mode, string? language, string? accepting, string? search, DirectoryQueries q, CancellationToken ct) =>
                TypedResults.Ok(await q.ListAsync(new DirectoryFilter(practice, format, mode, language, accepting, search), ct)))
            .AllowAnonymous()
            .WithSummary("Public: the therapists who list themselves, with approaches, formats, languages and modes. No sign-in, no personal data beyond what they chose to publish. "
                + "Filters (all optional, combined): practice=<name>, format=ClientLed|TherapistLed, mode=Online|InPerson, language=<a language a listing names>, accepting=true (taking new clients), "
                + "search=<text in the name, approaches, languages or practice, case-insensitive>. 422 with a sentence for anything else.");
        directory.MapPost("/requests", SubmitAsync)
            .AllowAnonymous()
            .WithSummary("Public, rate limited per address (429): ask a listed therapist for a first conversation. preferredFormat may be left out when preferenceAnswers make a complete check that suggests a format: the suggestion is kept. 201 with an acknowledgement; 422 naming each field that needs attention.");

        var mine = directory.MapGroup("").RequireAuthorization(Policies.Therapist);
        mine.MapGet("/requests", async (FirstConversationUseCases u, CancellationToken ct) => TypedResults.Ok(await u.MineAsync(ct)))
            .WithSummary("Therapist: the first-conversation requests addressed to you, newest first (audited read).");
        mine.MapGet("/requests/{id:guid}", async (Guid id, FirstConversationUseCases u, CancellationToken ct) => TypedResults.Ok(await u.GetAsync(id, ct)))
            .WithSummary("Therapist: one request addressed to you; anyone else 404.");
        mine.MapPost("/requests/{id:guid}/convert", ConvertAsync)
            .WithSummary("Therapist: start working together: an engagement and an invitation to the requester's email, in one step.");
        mine.MapPost("/requests/{id:guid}/decline", async (Guid id, FirstConversationUseCases u, CancellationToken ct) => TypedResults.Ok(await u.DeclineAsync(id, ct)))
            .WithSummary("Therapist: decline with the kind templated reply (sent when the request has an email address).");
        mine.MapGet("/profile", async (DirectoryProfileUseCases u, CancellationToken ct) => TypedResults.Ok(await u.GetMineAsync(ct)))
            .WithSummary("Therapist: your directory listing as you edit it.");
        mine.MapPut("/profile", SaveProfileAsync)
            .WithSummary("Therapist: list yourself (or stop), in your own words.");
        return app;
    }

    private static async Task<Results<Created<SubmitFirstConversationResult>, ValidationProblem>> SubmitAsync([FromBody] FirstConversationApiRequest request, FirstConversationUseCases requests, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var answers = request.PreferenceAnswers?
            .Where(a => a is not null)
            .GroupBy(a => a.LinkId ?? "")
            .ToDictionary(g => g.Key, g => g.Count() > 1 ? "" : g.First().Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal);
        var result = await requests.SubmitAsync(new SubmitFirstConversation(
            request.TherapistId ?? Guid.Empty,
            new FirstConversationInput(request.Name, request.Email, request.Phone, request.Message, request.PreferredFormat),
            answers,
            request.Website), ct);
        return TypedResults.Created("/first-conversation/sent", result);
    }

    private static async Task<Results<Created<ConvertResult>, ValidationProblem>> ConvertAsync(Guid id, [FromBody] ConvertRequest request, FirstConversationUseCases requests, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var result = await requests.ConvertAsync(id, new ConvertFirstConversation(request.Format, request.Title, request.Email), ct);
        return TypedResults.Created($"/api/engagements/{result.EngagementId}", result);
    }

    private static async Task<Results<Ok<MyDirectoryProfile>, ValidationProblem>> SaveProfileAsync([FromBody] DirectoryProfileRequest request, DirectoryProfileUseCases profiles, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(await profiles.SaveMineAsync(new DirectoryProfileChange(
            request.IsListed, request.ProfileText, request.Approaches, request.Languages,
            request.OffersClientLed, request.OffersTherapistLed, request.Online, request.InPerson, request.AcceptingNewClients), ct));
    }
}
