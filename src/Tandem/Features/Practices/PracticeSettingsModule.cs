using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Practices;

/// <summary>Practice-wide settings: read by everyone signed in, set by the admin; the logo is public branding.</summary>
public sealed class PracticeSettingsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<PracticeSettingsUseCases>();
        services.AddScoped<Infrastructure.Mail.IMailLook, PracticeMailLook>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/api/practice/settings").WithTags("Practice");
        settings.MapGet("", async (PracticeSettingsUseCases u, CancellationToken ct) => TypedResults.Ok(await u.GetAsync(ct)))
            .RequireAuthorization(Policies.SignedIn)
            .WithSummary("The caller's practice: name, time zone, expected reply time, crisis information (Markdown), address, online-session policy, reminder hours, brand colour, default measures, logo URL, and whether clients enter an online session's call directly while a therapist is in it (clientsEnterWhenTherapistIsIn).");
        // The body is the use case's own command: one shape for the page and the API.
        settings.MapPut("", async ([FromBody] PracticeSettingsChange change, PracticeSettingsUseCases u, CancellationToken ct) =>
                TypedResults.Ok(await u.UpdateAsync(change, ct)))
            .RequireAuthorization(Policies.PracticeAdmin)
            .WithSummary("Change the settings (practice admin). expectedReply (1-100) and crisisInformation (1-2,000) are required; every other field left out stays as it is, empty text clears it. brandColour is #rrggbb with at least 4.5:1 contrast against white text; reminderHoursBefore 1-72; defaultMeasures up to 5 of {instrumentId, kind: EveryNWeeks|BeforeEachSession|Once, intervalWeeks?, leadHours?}; clientsEnterWhenTherapistIsIn true lets clients into an online session's call at once while a therapist is in it (false, the default: they wait to be let in).");

        var logo = app.MapGroup("/api/practice/logo").WithTags("Practice").RequireAuthorization(Policies.PracticeAdmin);
        logo.MapPost("", UploadLogoAsync)
            .WithSummary("Set the practice's logo: the raw bytes as the body with Content-Type image/png or image/jpeg, at most 200 KB (practice admin). SVG and anything that is not really a PNG or JPEG are refused (422).");
        logo.MapDelete("", async (PracticeSettingsUseCases u, CancellationToken ct) =>
            {
                await u.SetLogoAsync(null, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Remove the practice's logo (practice admin).");

        app.MapGet("/practice-logo/{practiceId:guid}", ServeLogoAsync).AllowAnonymous().WithTags("Practice")
            .WithSummary("A practice's logo, for its sign-in page and emails: PNG or JPEG with its own content type and nosniff; 404 without one.");
        app.MapGet("/practice-brand/{practiceId:guid}.css", ServeBrandCssAsync).AllowAnonymous().WithTags("Practice")
            .WithSummary("A practice's brand colour as a style sheet (the pages' CSP allows no inline styles); 404 for no such practice.");
    }

    /// <summary>The colour is a checked "#rrggbb" (<see cref="Branding"/>), so nothing else can reach the style sheet.</summary>
    private static async Task<IResult> ServeBrandCssAsync(Guid practiceId, HttpContext context, PracticeSettingsUseCases u, CancellationToken ct)
    {
        if (await u.BrandingAsync(practiceId, ct) is not { } brand)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=60";
        var css = brand.Colour is { } colour ? $".practice-brand, .brand-preview {{ background: {colour}; }}\n" : "";
        return TypedResults.Text(css, "text/css");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UploadLogoAsync(HttpRequest request, PracticeSettingsUseCases u, CancellationToken ct)
    {
        if (request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() is not ("image/png" or "image/jpeg" or "image/jpg"))
        {
            throw new DomainException("The logo must be a PNG or JPEG file. SVG and other formats are not accepted, because they can carry scripts.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["logo"] = ["PNG or JPEG only."] });
        }

        // Read at most one byte more than allowed: enough to know it is too big without holding a huge body.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0 && buffer.Length <= Branding.LogoMaxBytes)
        {
            buffer.Write(chunk, 0, read);
        }

        await u.SetLogoAsync(buffer.ToArray(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ServeLogoAsync(Guid practiceId, HttpContext context, PracticeSettingsUseCases u, CancellationToken ct)
    {
        var logo = await u.LogoAsync(practiceId, ct);
        if (logo is not { } found)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.File(found.Bytes, found.ContentType);
    }
}

/// <summary>A practice's email look from its settings: name, colour, and the logo itself (embedded in each mail).</summary>
internal sealed class PracticeMailLook(PracticeSettingsUseCases settings) : Infrastructure.Mail.IMailLook
{
    public async Task<Infrastructure.Mail.MailLook?> ForAsync(Guid practiceId, CancellationToken ct)
    {
        if (await settings.BrandingAsync(practiceId, ct) is not { } brand)
        {
            return null;
        }

        var logo = brand.LogoPath is null ? null : await settings.LogoAsync(practiceId, ct);
        return new Infrastructure.Mail.MailLook(brand.Name, brand.Colour, logo?.Bytes, logo?.ContentType);
    }
}
