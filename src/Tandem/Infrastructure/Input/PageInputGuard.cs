using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Mvc;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// What a page binds from its query string and its form is checked before the page runs, for
/// every page at once: the inputs are found by reflection on the page's own
/// <c>[SupplyParameterFromQuery]</c> and <c>[SupplyParameterFromForm]</c> properties (once per
/// page type), so a new page or form is covered without code of its own.
/// <list type="bullet">
/// <item>A typed query parameter (a Guid, a number, a yes/no) that does not parse: Blazor would
/// throw while setting the page's parameters, a 500 (issue 19, finding 11). A bad request: 400,
/// with the not-found page (the address names nothing that exists).</item>
/// <item>An enum field of a form model whose value is not one of the enum's names: Blazor's
/// binding takes any number (issue 19, finding 4). 400 problem details naming the field and the
/// allowed values; nothing runs.</item>
/// </list>
/// </summary>
internal sealed class PageInputGuard(RequestDelegate next)
{
    private static readonly ConcurrentDictionary<Type, PageInputs> Pages = new();

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not { } component)
        {
            await next(context);
            return;
        }

        var inputs = Pages.GetOrAdd(component.Type, PageInputs.Of);
        foreach (var (name, type) in inputs.Query)
        {
            foreach (var value in context.Request.Query[name])
            {
                if (!QueryValues.Parses(type, value))
                {
                    // The status-code page shows the not-found page with it.
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
            }
        }

        // A post without a valid antiforgery token is the framework's own 400 (and its form may not be read at all).
        if (inputs.FormEnums.Count > 0 && HttpMethods.IsPost(context.Request.Method)
            && context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>()?.IsValid != false
            && context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            foreach (var (key, type) in inputs.FormEnums)
            {
                if (form[key].FirstOrDefault(v => !string.IsNullOrEmpty(v) && !DefinedEnums.TryParse(type, v, out _)) is not null)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [key] = [$"{key} {DefinedEnums.Expected(type)}"] })
                        {
                            Status = StatusCodes.Status400BadRequest,
                            Title = $"The form field {key} {DefinedEnums.Expected(type)} Nothing was saved.",
                        },
                    });
                    return;
                }
            }
        }

        await next(context);
    }
}

/// <summary>The typed query parameters and the enum form fields of one page.</summary>
internal sealed record PageInputs(IReadOnlyList<(string Name, Type Type)> Query, IReadOnlyList<(string Key, Type Enum)> FormEnums)
{
    public static PageInputs Of(Type component)
    {
        var query = new List<(string, Type)>();
        var forms = new List<(string, Type)>();
        foreach (var property in component.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (property.GetCustomAttribute<SupplyParameterFromQueryAttribute>() is { } fromQuery && property.PropertyType != typeof(string))
            {
                query.Add((fromQuery.Name ?? property.Name, property.PropertyType));
            }

            if (property.GetCustomAttribute<SupplyParameterFromFormAttribute>() is { } fromForm)
            {
                Walk(property.PropertyType, fromForm.Name ?? property.Name, forms, depth: 0);
            }
        }

        return new PageInputs(query, forms);
    }

    private static void Walk(Type type, string key, List<(string, Type)> found, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            found.Add((key, underlying));
            return;
        }

        if (depth >= 3 || underlying == typeof(string) || underlying.IsValueType || typeof(System.Collections.IEnumerable).IsAssignableFrom(underlying))
        {
            return;
        }

        foreach (var property in underlying.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(p => p.CanWrite))
        {
            Walk(property.PropertyType, $"{key}.{property.Name}", found, depth + 1);
        }
    }
}

/// <summary>Whether a query value parses as the type Blazor will bind it to (invariant culture, as Blazor does).</summary>
internal static class QueryValues
{
    public static bool Parses(Type type, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            // Nothing binds to nothing for a nullable, a text or a list; a plain yes/no or number has no value for it.
            return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        }

        var t = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        t = Nullable.GetUnderlyingType(t) ?? t;
        var c = CultureInfo.InvariantCulture;
        return t switch
        {
            _ when t == typeof(bool) => bool.TryParse(value, out _),
            _ when t == typeof(int) => int.TryParse(value, NumberStyles.Integer, c, out _),
            _ when t == typeof(long) => long.TryParse(value, NumberStyles.Integer, c, out _),
            _ when t == typeof(double) => double.TryParse(value, NumberStyles.Float, c, out var d) && double.IsFinite(d),
            _ when t == typeof(float) => float.TryParse(value, NumberStyles.Float, c, out var f) && float.IsFinite(f),
            _ when t == typeof(decimal) => decimal.TryParse(value, NumberStyles.Number, c, out _),
            _ when t == typeof(Guid) => Guid.TryParse(value, out _),
            _ when t == typeof(DateTime) => DateTime.TryParse(value, c, DateTimeStyles.None, out _),
            _ when t == typeof(DateOnly) => DateOnly.TryParse(value, c, out _),
            _ when t == typeof(TimeOnly) => TimeOnly.TryParse(value, c, out _),
            _ when t.IsEnum => DefinedEnums.TryParse(t, value, out _),
            // A type this check does not know: refuse rather than let the page throw.
            _ => false,
        };
    }
}
