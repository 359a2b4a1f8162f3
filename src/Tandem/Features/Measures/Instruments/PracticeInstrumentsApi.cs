using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Measures.Instruments;

/// <summary>The practice's own instruments (issue 9, import): upload a FHIR R4 Questionnaire, preview, enable, disable.</summary>
public static class PracticeInstrumentsApi
{
    /// <summary>
    /// The server's cap on the upload request, above the 1 MB a Questionnaire may be: a larger
    /// file (up to this) is still read to its end and answered with a 413 problem the person can
    /// see, rather than the connection being cut while the browser is still sending. (With the
    /// cap at 1 MB, a 10 MB upload over a real connection ends in a broken pipe for the client;
    /// see ImportTests.Over_a_real_connection_a_10_MB_upload_gets_a_readable_413_not_a_reset.)
    /// Nothing beyond 1 MB is ever kept or parsed.
    /// </summary>
    public const long RequestLimit = 16L * 1024 * 1024;

    public static IEndpointRouteBuilder MapPracticeInstrumentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/practice/instruments").WithTags("Practice").RequireAuthorization(Policies.PracticeStaff);
        group.MapPost("", UploadAsync)
            .Accepts<JsonElement>("application/fhir+json", "application/json")
            .Produces<PracticeInstrumentPreview>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new RequestSizeLimitAttribute(RequestLimit))
            .WithSummary("Import an instrument: the body is a FHIR R4 Questionnaire as JSON (at most 1 MB). Stored as a draft and answered with its preview; optional ?key= names it (otherwise derived from the Questionnaire's id, never a built-in id). Therapists and practice admin.")
            .WithDescription("Checks, in order: size (413), JSON (400), a Questionnaire (422), flat choice/text items with unique linkIds, no score expression Tandem cannot evaluate, valid against base FHIR R4, at least one scored question (answer values from ordinalValue or itemWeight, or integer answers), a key that is not a built-in id. Nothing is stored when a check fails. Scored by summing the answer values.");
        group.MapGet("", async (PracticeInstrumentUseCases u, CancellationToken ct) => TypedResults.Ok(await u.ListAsync(ct)))
            .WithSummary("The practice's imported instruments with their status (Draft, Enabled, Disabled). Therapists and practice admin.");
        group.MapGet("/{id:guid}", async (Guid id, PracticeInstrumentUseCases u, CancellationToken ct) => TypedResults.Ok(await u.PreviewAsync(id, ct)))
            .WithSummary("Preview of an imported instrument: its questions, answers with their values, how it is scored, lowest and highest total.");
        group.MapPost("/{id:guid}/enable", async (Guid id, PracticeInstrumentUseCases u, CancellationToken ct) => TypedResults.Ok(await u.EnableAsync(id, ct)))
            .WithSummary("Enable an imported instrument: from now on it can be scheduled and answered in the practice's engagements.");
        group.MapPost("/{id:guid}/disable", async (Guid id, PracticeInstrumentUseCases u, CancellationToken ct) => TypedResults.Ok(await u.DisableAsync(id, ct)))
            .WithSummary("Disable an imported instrument: no new requests or answers; the answers already given stay readable and exportable.");
        return app;
    }

    private static async Task<Created<PracticeInstrumentPreview>> UploadAsync(HttpRequest request, [FromQuery] string? key, PracticeInstrumentUseCases instruments, CancellationToken ct)
    {
        var body = await ReadAsync(request, ct);
        var preview = await instruments.UploadAsync(body, key, ct);
        return TypedResults.Created($"/api/practice/instruments/{preview.Id}", preview);
    }

    /// <summary>
    /// Keeps at most the import limit. A larger body (declared or found while reading) is never
    /// parsed: the rest is read and discarded so the sender, still sending, can read the 413.
    /// </summary>
    internal static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var chunk = new byte[16 * 1024];
        try
        {
            if (request.ContentLength > QuestionnaireImport.MaxBytes)
            {
                await DiscardAsync(request.Body, chunk, ct);
                throw QuestionnaireImport.TooLarge();
            }

            using var buffer = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > QuestionnaireImport.MaxBytes)
                {
                    await DiscardAsync(request.Body, chunk, ct);
                    throw QuestionnaireImport.TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Beyond the server's cap: refused all the same (the server may close the connection).
            throw QuestionnaireImport.TooLarge();
        }
    }

    private static async Task DiscardAsync(Stream body, byte[] chunk, CancellationToken ct)
    {
        while (await body.ReadAsync(chunk, ct) > 0)
        {
        }
    }
}
