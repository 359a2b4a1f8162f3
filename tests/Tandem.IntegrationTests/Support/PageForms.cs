using System.Net;
using System.Text.RegularExpressions;

namespace Tandem.IntegrationTests.Support;

/// <summary>Drives the server-rendered forms like a browser without JavaScript: GET, then POST with the antiforgery token.</summary>
public static partial class PageForms
{
    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, string formName, IDictionary<string, string> fields) =>
        SubmitWithTokenOfAsync(client, path, path, formName, fields);

    /// <summary>Posts a form to <paramref name="path"/> with the antiforgery token of another page the client may open (for forms on pages it may not).</summary>
    public static async Task<HttpResponseMessage> SubmitWithTokenOfAsync(HttpClient client, string tokenPage, string path, string formName, IDictionary<string, string> fields)
    {
        using var page = await client.GetAsync(tokenPage);
        if (page.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {tokenPage} answered {(int)page.StatusCode}");
        }

        var token = TokenIn(await page.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException($"No antiforgery token on {tokenPage}");
        var form = new Dictionary<string, string>(fields)
        {
            ["_handler"] = formName,
            ["__RequestVerificationToken"] = token,
        };
        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(path, content);
    }

    /// <summary>The antiforgery token a page rendered (decoded), or null when it rendered none.</summary>
    public static string? TokenIn(string html) =>
        TokenPattern().Match(html) is { Success: true } token ? WebUtility.HtmlDecode(token.Groups[1].Value) : null;

    /// <summary>Signs a cookie client in through the sign-in page.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password = TandemApp.DemoPassword) =>
        await SubmitAsync(client, "/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
