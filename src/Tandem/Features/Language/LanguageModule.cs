using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Language;

public sealed record LanguageCheckRequest([property: Required, MaxLength(RespectfulLanguage.MaxTextLength)] string Text);

/// <summary>
/// The respectful-language assistant. The list ships as Resources/respectful-language.json;
/// a practice extends or overrides it with its own file of the same shape, named by
/// Language:ExtraTermsFile (relative to the data folder).
/// </summary>
public sealed class LanguageModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config) =>
        services.AddSingleton(sp =>
        {
            var env = sp.GetRequiredService<IHostEnvironment>();
            var list = LanguageList.Load(Path.Combine(AppContext.BaseDirectory, "Resources", "respectful-language.json"));
            if (config["Language:ExtraTermsFile"] is { Length: > 0 } extra)
            {
                var dataFolder = Path.GetFullPath(config["Tandem:DataFolder"] ?? "data", env.ContentRootPath);
                list = list.With(LanguageList.Load(Path.GetFullPath(extra, dataFolder)));
            }

            return new RespectfulLanguage(list);
        });

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var language = app.MapGroup("/api/language").WithTags("Language").RequireAuthorization(Policies.Therapist);
        language.MapPost("/check", Check)
            .WithSummary("Respectful-language hints for a text: [{start, length, term, match, category, suggestion, source}]. Never blocks anything.");
        language.MapGet("/terms", (RespectfulLanguage checker) => TypedResults.Ok(checker.List.Terms.Select(t => new LanguageTermView(t.Term, t.Category, t.Suggestion, t.Source, t.AllForms())).ToList()))
            .WithSummary("The list in force (shipped entries plus the practice's own), with every form matched.");
    }

    private static Results<Ok<IReadOnlyList<LanguageHit>>, ValidationProblem> Check([FromBody] LanguageCheckRequest request, RespectfulLanguage checker)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(checker.Check(request.Text));
    }
}

/// <summary>One entry of the list in force, with every form the checker matches.</summary>
public sealed record LanguageTermView(string Term, string Category, string Suggestion, string Source, IReadOnlyList<string> Forms);
