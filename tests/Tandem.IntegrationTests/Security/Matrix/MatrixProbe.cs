using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security.Matrix;

/// <summary>Who calls: a role of QUALITY.md S1, its client, and the engagements whose records it must not reach.</summary>
public sealed class MatrixCaller
{
    public required string Role { get; init; }

    public required Person? Person { get; init; }

    public required HttpClient Http { get; init; }

    /// <summary>An engagement the caller takes part in (null for the admins and anonymous).</summary>
    public Guid? Own { get; init; }

    /// <summary>Engagements whose records the caller must not see (for the partners, their own couple's engagement: the other partner's personal records).</summary>
    public required IReadOnlyList<(string Label, Guid Engagement)> Targets { get; init; }

    /// <summary>An antiforgery token of this caller's session, for the pages' form posts.</summary>
    public string? FormToken { get; set; }

    public override string ToString() => Role;
}

public enum ProbeKind
{
    /// <summary>The caller's own records: only checked for errors and for foreign data in the answer.</summary>
    Own,

    /// <summary>A foreign record in the route: 404 (401 or a redirect to sign-in for anonymous).</summary>
    Foreign,

    /// <summary>The caller's own record in the route, a foreign id in the query or body: no write accepted, no foreign data returned, and the same answer as for a made-up id.</summary>
    Mixed,

    /// <summary>The same request as a Mixed one with the foreign ids replaced by made-up ones.</summary>
    MadeUp,

    /// <summary>An endpoint with no ids at all, called by everyone.</summary>
    Self,

    /// <summary>A page form posted by someone the page's policy refuses (its GET answered 404).</summary>
    RefusedForm,

    /// <summary>An entitled participant's read: must be 2xx, so the matrix cannot pass by refusing everything.</summary>
    Positive,
}

/// <summary>One request of the matrix.</summary>
public sealed record MatrixProbe(
    MatrixCaller Caller,
    EndpointInfo? Endpoint,
    string Method,
    string Path,
    string? Json,
    IReadOnlyDictionary<string, string>? Form,
    IReadOnlyList<Slot> RouteSlots,
    IReadOnlyList<Slot> OtherSlots,
    ProbeKind Kind,
    string Target)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public bool IsApi => Path.StartsWith("/api", StringComparison.Ordinal);

    public bool Public => Endpoint?.AllowsAnonymous == true;

    public string Label => $"{Caller.Role}: {Method} {Path}{(Form is { } f && f.TryGetValue("_handler", out var h) ? $" [form {h}]" : "")}"
        + (Json is null ? "" : " " + (Json.Length > 160 ? Json[..160] + "..." : Json)) + $" ({Kind}, {Target})";

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Form is not null)
        {
            request.Content = new FormUrlEncodedContent(Form);
        }
        else if (Json is not null)
        {
            request.Content = new StringContent(Json, System.Text.Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public static string ToJson(object body) => JsonSerializer.Serialize(body, Support.Json.Options);
}

public sealed record MatrixResult(MatrixProbe Probe, int Status, string? Location, string Body, string? Problem);
