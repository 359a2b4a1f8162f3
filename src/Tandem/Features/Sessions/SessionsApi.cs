using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Sessions;

public sealed record ScheduleSessionRequest(
    [property: Required] DateTimeOffset? StartsAt,
    [property: Required, Range(Session.MinDuration, Session.MaxDuration)] int? DurationMinutes,
    [property: MaxLength(Session.LocationMaxLength)] string? Location,
    SessionRepeat? Repeat = null,
    DateOnly? Until = null,
    int? Count = null,
    SessionMode? Mode = null);

public sealed record SessionStatusRequest([property: Required] SessionStatus? Status, bool? Late = null);

public sealed record SeriesCancelled(int Cancelled);

public sealed record AgendaRequest([property: Required, MaxLength(AgendaItem.TextMaxLength)] string Text, AgendaItemKind? Kind);

public sealed record AgendaOrderRequest([property: Required, MaxLength(AgendaUseCases.MaxItems)] List<Guid> ItemIds);

public sealed record NoteBodyRequest([property: Required(AllowEmptyStrings = true), MaxLength(SharedNote.BodyMaxLength)] string Body);

public sealed record AmendmentRequest(
    [property: Required, MaxLength(SharedNote.BodyMaxLength)] string Body,
    [property: Required, MaxLength(NoteAmendment.ReasonMaxLength)] string Reason);

public sealed record AnnotationRequest(
    [property: Required, MaxLength(Annotation.TextMaxLength)] string Text,
    [property: MaxLength(Annotation.QuoteMaxLength)] string? Quote,
    Stance? Stance);

public sealed record ReflectionRequest([property: Required, MaxLength(Reflection.TextMaxLength)] string Text);

public sealed record PrivateNoteRequest([property: Required(AllowEmptyStrings = true), MaxLength(PrivateNote.BodyMaxLength)] string Body);

/// <summary>Sessions, agenda, notes and calendar feeds (API.md "Sessions, agenda, notes").</summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var engagements = app.MapGroup("/api/engagements/{id:guid}").WithTags("Sessions").RequireAuthorization(Policies.Clinician);
        engagements.MapGet("/sessions", async (Guid id, DateTimeOffset? from, DateTimeOffset? to, ScheduleUseCases s, CancellationToken ct) => TypedResults.Ok(await s.ForEngagementAsync(id, from, to, ct)))
            .WithSummary("The engagement's sessions (optionally from/to, UTC), oldest first; participants only.");
        engagements.MapPost("/sessions", ScheduleAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Schedule a session (therapist): {startsAt (ISO 8601, any offset; stored UTC), durationMinutes, mode (InPerson or Online; Online without a link is video in the session room), location (a room in person; optional online)}; "
                + "optionally repeat: Once|Weekly|Fortnightly with until (last local date, yyyy-MM-dd) or count (1-52). A series is one transaction: a clash (409) or bad input (422) writes nothing. Answers the first session.");
        engagements.MapGet("/calendar.ics", async (Guid id, CalendarFeeds feeds, CancellationToken ct) => Results.Text(await feeds.ForEngagementAsync(id, ct), "text/calendar; charset=utf-8"))
            .WithSummary("The caller's calendar feed of this engagement: times and places only, in the caller's time zone.");

        var sessions = app.MapGroup("/api/sessions").WithTags("Sessions").RequireAuthorization(Policies.Clinician);
        sessions.MapGet("", async (DateTimeOffset? from, DateTimeOffset? to, ScheduleUseCases s, CancellationToken ct) => TypedResults.Ok(await s.MineAsync(from, to, ct)))
            .WithSummary("The caller's sessions across their engagements (their schedule).");
        sessions.MapGet("/{id:guid}", async (Guid id, ScheduleUseCases s, CancellationToken ct) => TypedResults.Ok(await s.GetAsync(id, ct)))
            .WithSummary("One session with its agenda; participants only, everyone else 404.");
        sessions.MapPut("/{id:guid}", RescheduleAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Reschedule a scheduled session (therapist).");
        sessions.MapPost("/{id:guid}/status", StatusAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Mark a scheduled session Completed (held), Cancelled (late: true for a late cancellation) or Missed (did not attend) (therapist). Completed and Missed only after it started.");
        sessions.MapPost("/{id:guid}/series/cancel", async (Guid id, ScheduleUseCases s, CancellationToken ct) => TypedResults.Ok(new SeriesCancelled(await s.CancelRestOfSeriesAsync(id, ct))))
            .RequireAuthorization(Policies.Therapist)
            .WithSummary("Cancel this session and the later sessions of its series that are still planned and have not started (therapist) -> {cancelled}.");
        sessions.MapPost("/{id:guid}/agenda", AddAgendaAsync)
            .WithSummary("Add an agenda item {text, kind: Update|Topic} (any participant, while the session is scheduled).");
        sessions.MapPut("/{id:guid}/agenda/order", OrderAgendaAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Order the agenda {itemIds} (therapist).");
        sessions.MapGet("/{id:guid}/note", GetNoteAsync)
            .WithSummary("The shared note with amendments, annotations and the reflections the caller may see; ETag header.");
        sessions.MapPut("/{id:guid}/note", SaveNoteAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Write the draft note {body} (Markdown; therapist). Needs If-Match (428 without, 412 when stale); 409 once signed.");
        sessions.MapPost("/{id:guid}/note/sign", SignNoteAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Sign the note (therapist): its body never changes again. If-Match honoured when sent.");
        sessions.MapPost("/{id:guid}/note/amendments", AmendAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Amend a signed note {body (the corrected text), reason} (therapist). The original stays; history in the open.");
        sessions.MapGet("/{id:guid}/note/history", async (Guid id, NoteUseCases n, CancellationToken ct) => TypedResults.Ok(await n.HistoryAsync(id, ct)))
            .WithSummary("Every version of the note with reasons and word-level changes.");
        sessions.MapPost("/{id:guid}/note/annotations", AnnotateAsync)
            .WithSummary("Annotate the note {text, quote?, stance: None|Agree|Disagree} (any participant). Never changes the note.");
        sessions.MapPost("/{id:guid}/reflections", ReflectAsync).RequireAuthorization(Policies.Client)
            .WithSummary("A client's own reflection on the session {text}; seen by its author and the therapists.");
        sessions.MapGet("/{id:guid}/private-note", async (Guid id, PrivateNoteUseCases p, CancellationToken ct) => TypedResults.Ok(await p.GetAsync(id, ct)))
            .RequireAuthorization(Policies.Therapist)
            .WithSummary("Your own private process note for the session (its author only; never shared, never exported).");
        sessions.MapPut("/{id:guid}/private-note", SavePrivateNoteAsync).RequireAuthorization(Policies.Therapist)
            .WithSummary("Write your private process note {body} (therapist; visible to you alone, not even to a co-therapist).");

        var feeds = app.MapGroup("/api/me/calendar-feed").WithTags("Sessions").RequireAuthorization(Policies.Clinician);
        feeds.MapPost("", async (CalendarFeeds f, CancellationToken ct) => TypedResults.Created("/api/me/calendar-feed", await f.CreateLinkAsync(ct)))
            .WithSummary("Create your private calendar subscription link (shown once; replaces any earlier link).");
        feeds.MapDelete("", async (CalendarFeeds f, CancellationToken ct) =>
        {
            await f.RevokeLinkAsync(ct);
            return TypedResults.NoContent();
        }).WithSummary("Turn your calendar subscription link off.");
        app.MapGet("/api/calendar/{token}.ics", async (string token, CalendarFeeds f, CancellationToken ct) =>
                await f.ForTokenAsync(token, ct) is { } ics ? Results.Text(ics, "text/calendar; charset=utf-8") : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found."))
            .AllowAnonymous().WithTags("Sessions")
            .WithSummary("A subscribable calendar feed reached by its secret link (no sign-in: calendar apps cannot). Times and places only.");
        return app;
    }

    private static async Task<Results<Created<SessionView>, ValidationProblem>> ScheduleAsync(Guid id, [FromBody] ScheduleSessionRequest request, ScheduleUseCases s, EngagementAccess access, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            // Someone else's engagement is 404 whatever the body says.
            await access.RequireTherapistAsync(id, "Session", ct);
            return invalid;
        }

        var view = await s.ScheduleAsync(id, new ScheduleSessionCommand(request.StartsAt!.Value, request.DurationMinutes!.Value, request.Location,
            request.Repeat ?? SessionRepeat.Once, request.Until, request.Count, request.Mode), ct);
        return TypedResults.Created($"/api/sessions/{view.Id}", view);
    }

    private static async Task<Results<Ok<SessionView>, ValidationProblem>> RescheduleAsync(Guid id, [FromBody] ScheduleSessionRequest request, ScheduleUseCases s, SessionAccess access, CancellationToken ct)
    {
        if (await InvalidAsync(request, id, access, ct) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(await s.RescheduleAsync(id, new ScheduleSessionCommand(request.StartsAt!.Value, request.DurationMinutes!.Value, request.Location, Mode: request.Mode), ct));
    }

    private static async Task<Results<Ok<SessionView>, ValidationProblem>> StatusAsync(Guid id, [FromBody] SessionStatusRequest request, ScheduleUseCases s, SessionAccess access, CancellationToken ct) =>
        await InvalidAsync(request, id, access, ct) is { } invalid ? invalid : TypedResults.Ok(await s.ChangeStatusAsync(id, request.Status!.Value, request.Late ?? false, ct));

    private static async Task<Results<Created<AgendaItemView>, ValidationProblem>> AddAgendaAsync(Guid id, [FromBody] AgendaRequest request, AgendaUseCases a, SessionAccess access, CancellationToken ct)
    {
        if (await InvalidAsync(request, id, access, ct) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Created($"/api/sessions/{id}", await a.AddAsync(id, request.Text, request.Kind ?? AgendaItemKind.Topic, ct));
    }

    private static async Task<Results<Ok<SessionView>, ValidationProblem>> OrderAgendaAsync(Guid id, [FromBody] AgendaOrderRequest request, AgendaUseCases a, SessionAccess access, CancellationToken ct) =>
        await InvalidAsync(request, id, access, ct) is { } invalid ? invalid : TypedResults.Ok(await a.OrderAsync(id, request.ItemIds, ct));

    private static async Task<Ok<NoteView>> GetNoteAsync(Guid id, NoteUseCases n, HttpContext http, CancellationToken ct)
    {
        var view = await n.GetAsync(id, ct);
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<NoteView>, ValidationProblem>> SaveNoteAsync(Guid id, [FromBody] NoteBodyRequest request, NoteUseCases n, SessionAccess access, HttpContext http, CancellationToken ct)
    {
        if (await InvalidAsync(request, id, access, ct) is { } invalid)
        {
            return invalid;
        }

        var view = await n.SaveDraftAsync(id, request.Body, http.Request.Headers.IfMatch.ToString(), ct);
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<NoteView>> SignNoteAsync(Guid id, NoteUseCases n, HttpContext http, CancellationToken ct)
    {
        var view = await n.SignAsync(id, http.Request.Headers.IfMatch.ToString(), ct);
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Created<NoteView>, ValidationProblem>> AmendAsync(Guid id, [FromBody] AmendmentRequest request, NoteUseCases n, SessionAccess access, HttpContext http, CancellationToken ct)
    {
        if (await InvalidAsync(request, id, access, ct) is { } invalid)
        {
            return invalid;
        }

        var view = await n.AmendAsync(id, request.Body, request.Reason, ct);
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Created($"/api/sessions/{id}/note", view);
    }

    private static async Task<Results<Created<AnnotationView>, ValidationProblem>> AnnotateAsync(Guid id, [FromBody] AnnotationRequest request, NoteUseCases n, SessionAccess access, CancellationToken ct)
    {
        if (await InvalidAsync(request, id, access, ct) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Created($"/api/sessions/{id}/note", await n.AnnotateAsync(id, request.Text, request.Quote, request.Stance ?? Stance.None, ct));
    }

    private static async Task<Results<Created<ReflectionView>, ValidationProblem>> ReflectAsync(Guid id, [FromBody] ReflectionRequest request, NoteUseCases n, SessionAccess access, CancellationToken ct) =>
        await InvalidAsync(request, id, access, ct) is { } invalid ? invalid : TypedResults.Created($"/api/sessions/{id}/note", await n.ReflectAsync(id, request.Text, ct));

    private static async Task<Results<Ok<PrivateNoteView>, ValidationProblem>> SavePrivateNoteAsync(Guid id, [FromBody] PrivateNoteRequest request, PrivateNoteUseCases p, SessionAccess access, CancellationToken ct) =>
        await InvalidAsync(request, id, access, ct) is { } invalid ? invalid : TypedResults.Ok(await p.SaveAsync(id, request.Body, null, ct));

    /// <summary>A bad body answers 400 only to participants; for everyone else the session does not exist (404).</summary>
    private static async Task<ValidationProblem?> InvalidAsync(object request, Guid sessionId, SessionAccess access, CancellationToken ct)
    {
        if (Validation.Check(request) is not { } invalid)
        {
            return null;
        }

        await access.RequireParticipantAsync(sessionId, "Session", ct);
        return invalid;
    }
}
