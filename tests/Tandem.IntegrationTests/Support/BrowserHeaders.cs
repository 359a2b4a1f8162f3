namespace Tandem.IntegrationTests.Support;

/// <summary>
/// The headers a browser adds to every request that can change something: <c>Origin</c> and
/// <c>Sec-Fetch-Site</c> (every current browser sends both on a POST from a page of the same
/// origin). Test clients send them like a browser on Tandem's own page would, unless a test
/// sets its own with <see cref="Set"/> (cross-site tests).
/// </summary>
public sealed class BrowserHeaders : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> Chosen = new("tandem-test-browser-headers");

    /// <summary>Send exactly these (null: leave the header out).</summary>
    public static void Set(HttpRequestMessage request, string? origin, string? fetchSite)
    {
        request.Options.Set(Chosen, true);
        request.Headers.Remove("Origin");
        request.Headers.Remove("Sec-Fetch-Site");
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var unsafeMethod = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && request.Method != HttpMethod.Options;
        if (unsafeMethod && !request.Options.TryGetValue(Chosen, out _) && !request.Headers.Contains("Origin") && !request.Headers.Contains("Sec-Fetch-Site"))
        {
            request.Headers.TryAddWithoutValidation("Origin", TandemApp.OwnOrigin);
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
