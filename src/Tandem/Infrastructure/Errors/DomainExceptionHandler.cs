using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Tandem.Infrastructure.Errors;

/// <summary>Maps domain failures and malformed requests to problem details, once, for every endpoint.</summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? details = exception switch
        {
            DomainException domain => ToProblem(domain),
            BadHttpRequestException { InnerException: Input.UndefinedEnumException undefined } bad => Field(bad.StatusCode, undefined.Path, undefined.Message),
            BadHttpRequestException { InnerException: Input.NulCharacterException control } bad => Field(bad.StatusCode, control.Path, control.Message),
            BadHttpRequestException { InnerException: System.Text.Json.JsonException { Path: { Length: > 1 } path } json } bad => Field(bad.StatusCode, path,
                "The value of this field is not of the documented type."),
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request could not be read.",
                Detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request is larger than Tandem accepts."
                    : "Check that the body is valid JSON of the documented shape and size, and that every value in the address is of the documented type.",
            },
            _ when IsWriteConflict(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Another change reached the same record at the same moment, so this one was not saved. Try again in a moment.",
            },
            _ => null,
        };
        if (details is null)
        {
            return false;
        }

        if (exception is DomainException { Kind: DomainError.NotFound } && httpContext.User.Identity?.IsAuthenticated == true
            && Features.Audit.AuditTrail.EventsOf(httpContext) == 0)
        {
            // A 404 to a signed-in person is a refusal (QUALITY.md R4). Use cases that find the
            // engagement but not the thing inside it (a goal, a commitment) throw without
            // auditing: record it here, once, so no refusal goes unrecorded.
            await Security.NotFoundForForbidden.RecordRefusalAsync(httpContext);
        }

        httpContext.Response.StatusCode = details.Status ?? StatusCodes.Status400BadRequest;
        if (details.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "2";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        });
    }

    /// <summary>
    /// The database gave up on this write because another one held what it needed: a deadlock or a serialisation
    /// failure on PostgreSQL, SQLite still busy after its wait. The transaction was rolled back whole, so the person is
    /// told it was not saved and may simply try again (503 with Retry-After), never a bare 500. Writers take their locks
    /// in one order (AuditChain), so this is the rare case left, not a routine answer.
    /// </summary>
    internal static bool IsWriteConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: "40P01" or "40001" or "55P03" }
                || e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A body field that could not be read: 400 naming it ("role", from the JSON path "$.role") with a sentence.</summary>
    private static HttpValidationProblemDetails Field(int status, string? path, string sentence)
    {
        var field = (path ?? "").TrimStart('$', '.');
        field = field.Length == 0 ? "body" : field;
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [$"{field}: {sentence}"] })
        {
            Status = status,
            Title = $"The field {field} could not be read.",
            Detail = $"{field}: {sentence}",
        };
    }

    private static ProblemDetails ToProblem(DomainException domain)
    {
        var problem = domain.Errors is { Count: > 0 } errors
            ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value)) { Status = domain.StatusCode, Title = domain.Message }
            : new ProblemDetails { Status = domain.StatusCode, Title = domain.Message };
        if (domain.CrisisInformation is { } crisis)
        {
            // A refused request that carried a risk answer: the person still sees the crisis information at once.
            problem.Extensions["flags"] = new[] { "risk" };
            problem.Extensions["crisisInformation"] = crisis;
        }

        return problem;
    }
}
