using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tandem.IntegrationTests.Support;

/// <summary>Small helpers for JSON API calls in tests.</summary>
public static class Api
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path, Ct);
        return await ReadAsync(response, expected, $"GET {path}");
    }

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string path, object? body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync(path, body ?? new { }, Ct);
        return await ReadAsync(response, expected, $"POST {path}");
    }

    public static async Task<HttpStatusCode> StatusOfPostAsync(this HttpClient client, string path, object? body = null)
    {
        using var response = await client.PostAsJsonAsync(path, body ?? new { }, Ct);
        return response.StatusCode;
    }

    public static async Task<HttpStatusCode> StatusOfGetAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return response.StatusCode;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Guid Id(this JsonElement element) => element.GetProperty("id").GetGuid();

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString() ?? "";
}

/// <summary>Ids of the demo data, looked up through the app's own API.</summary>
public static class Demo
{
    public static async Task<Guid> EngagementOfAsync(TandemApp app, string email, string titleContains)
    {
        using var client = await app.ClientForAsync(email);
        var list = await client.GetJsonAsync("/api/engagements");
        return list.EnumerateArray().First(e => e.Str("title").Contains(titleContains, StringComparison.Ordinal)).Id();
    }

    public static Task<Guid> SamsEngagementAsync(TandemApp app) => EngagementOfAsync(app, "sam@riverside.test", "footing");

    public static Task<Guid> JordansEngagementAsync(TandemApp app) => EngagementOfAsync(app, "jordan@riverside.test", "move");

    public static Task<Guid> CouplesEngagementAsync(TandemApp app) => EngagementOfAsync(app, "riley@riverside.test", "Riley and Avery");
}
