using System.Net.Http.Json;
using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

public sealed class ProfileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Profile_page_shows_and_saves_name_pronouns_and_time_zone()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "riley@riverside.test");

        using var page = await browser.GetAsync("/Account/Manage", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Riley Brooks", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var saved = await PageForms.SubmitAsync(browser, "/Account/Manage", "profile", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Riley B.",
            ["Input.Pronouns"] = "they/them",
            ["Input.TimeZone"] = "America/Chicago",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var me = await browser.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me", Ct);
        Assert.Equal("Riley B.", me.GetProperty("displayName").GetString());
        Assert.Equal("they/them", me.GetProperty("pronouns").GetString());
        Assert.Equal("America/Chicago", me.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Profile_page_refuses_an_unknown_time_zone()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "riley@riverside.test");
        using var saved = await PageForms.SubmitAsync(browser, "/Account/Manage", "profile", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Riley",
            ["Input.TimeZone"] = "Mars/Olympus_Mons",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("time zone", await saved.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Account_pages_answer_for_a_bearer_token_too()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = await app.ClientForAsync("alex@riverside.test");
        using var page = await client.GetAsync("/Account/Manage", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
