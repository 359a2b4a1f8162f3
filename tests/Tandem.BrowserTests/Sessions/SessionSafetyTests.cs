using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Sessions;

/// <summary>Issue 5, acceptance 4 (QUALITY.md S4): what one side stores never runs as script on the other side's screen.</summary>
public sealed class SessionSafetyTests(BrowserFixture browser)
{
    private static readonly string[] Payloads =
    [
        "<script>window.__xss = 'script'</script>",
        "<img src=x onerror=\"window.__xss='img'\">",
        "<svg onload=\"window.__xss='svg'\"></svg>",
        "[click me](javascript:window.__xss='link')",
        "\"><iframe srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
    ];

    [Fact]
    public async Task Script_payloads_in_agenda_note_comments_and_reflections_never_run_and_CSP_blocks_inline_script()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await SamsEngagementAsync(app);
        using var alexApi = await ApiAsync(app, "alex@riverside.test");
        using var samApi = await ApiAsync(app, "sam@riverside.test");
        var all = string.Join("\n\n", Payloads);
        var created = await alexApi.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = DateTimeOffset.UtcNow.AddHours(-2), durationMinutes = 50, location = "<script>window.__xss='location'</script>" }, HttpStatusCode.Created);
        var id = created.Id();
        foreach (var payload in Payloads)
        {
            await samApi.PostJsonAsync($"/api/sessions/{id}/agenda", new { text = payload }, HttpStatusCode.Created);
        }

        var note = await alexApi.GetAsync($"/api/sessions/{id}/note", TestContext.Current.CancellationToken);
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/sessions/{id}/note") { Content = JsonContent.Create(new { body = all }) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", note.Headers.ETag!.ToString());
            Assert.Equal(HttpStatusCode.OK, (await alexApi.SendAsync(put, TestContext.Current.CancellationToken)).StatusCode);
        }

        await alexApi.PostJsonAsync($"/api/sessions/{id}/note/sign", null, HttpStatusCode.OK);
        await alexApi.PostJsonAsync($"/api/sessions/{id}/note/amendments", new { body = all + "\n\nAmended.", reason = Payloads[1] }, HttpStatusCode.Created);
        foreach (var payload in Payloads)
        {
            await samApi.PostJsonAsync($"/api/sessions/{id}/note/annotations", new { text = payload }, HttpStatusCode.Created);
            await samApi.PostJsonAsync($"/api/sessions/{id}/reflections", new { text = payload }, HttpStatusCode.Created);
        }

        foreach (var (email, viewport) in new[] { ("alex@riverside.test", BrowserSession.Desktop), ("sam@riverside.test", BrowserSession.Phone) })
        {
            var page = await BrowserSession.NewPageAsync(browser, app, viewport);
            var dialogs = 0;
            page.Dialog += (_, d) =>
            {
                dialogs++;
                _ = d.DismissAsync();
            };
            await BrowserSession.SignInAsync(page, email);
            foreach (var path in new[] { $"/sessions/{id}", $"/sessions/{id}/note", $"/sessions/{id}/note/history", "/sessions" })
            {
                var response = await page.GotoAsync(path);
                Assert.Contains("script-src 'self'", response!.Headers["content-security-policy"], StringComparison.Ordinal);
                if (path == $"/sessions/{id}")
                {
                    await SessionFlowTests.WaitUntilLiveAsync(page);
                }

                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss ?? null"));
                // The payloads are shown as the text people wrote, not swallowed.
                if (path.EndsWith("/note", StringComparison.Ordinal))
                {
                    await Assertions.Expect(page.Locator(".annotation-list").First).ToContainTextAsync("<script>");
                }
            }

            // And an inline script that did reach the page would still be refused by the CSP.
            Assert.Null(await page.EvaluateAsync<string?>("""
                () => { const s = document.createElement('script'); s.textContent = "window.__inline = 'ran'"; document.body.appendChild(s); return window.__inline ?? null; }
                """));
            Assert.Equal(0, dialogs);
        }
    }

    [Fact]
    public async Task Sam_never_sees_Alexs_private_note_and_the_schedule_is_calm_on_a_phone_in_the_dark()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sams = await SamsEngagementAsync(app);
        using var alexApi = await ApiAsync(app, "alex@riverside.test");
        var id = (await alexApi.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = DateTimeOffset.UtcNow.AddDays(1), durationMinutes = 50, location = "Riverside practice, room 2" }, HttpStatusCode.Created)).Id();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/sessions/{id}/private-note") { Content = JsonContent.Create(new { body = "PRIVATE-BROWSER-MARKER" }) })
        {
            Assert.Equal(HttpStatusCode.OK, (await alexApi.SendAsync(put, TestContext.Current.CancellationToken)).StatusCode);
        }

        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await alex.GotoAsync($"/sessions/{id}");
        await SessionFlowTests.WaitUntilLiveAsync(alex);
        await Assertions.Expect(alex.GetByRole(AriaRole.Textbox, new() { Name = "Private process note" })).ToHaveValueAsync("PRIVATE-BROWSER-MARKER");

        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone, ColorScheme.Dark);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        foreach (var path in new[] { $"/sessions/{id}", $"/sessions/{id}/note", "/sessions" })
        {
            await sam.GotoAsync(path);
            await sam.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.DoesNotContain("PRIVATE-BROWSER-MARKER", await sam.ContentAsync(), StringComparison.Ordinal);
            await Assertions.Expect(sam.GetByText("Process note: only you can see this")).ToHaveCountAsync(0);
            await BrowserSession.AssertAccessibleAsync(sam);
            var width = await sam.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"{path} is {width}px wide on a 390px phone");
        }

        await BrowserSession.ScreenshotAsync(sam, "sessions-schedule-phone-dark");
        // A past, signed demo note in the dark, as a client reads it at night.
        await sam.GotoAsync("/sessions");
        await sam.Locator(".session-meta a", new() { HasText = "Note" }).First.ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Shared note" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "session-note-phone-dark");
    }

    /// <summary>A bearer client against the app on Kestrel (the in-memory client does not reach it).</summary>
    internal static async Task<HttpClient> ApiAsync(TandemApp app, string email)
    {
        var client = new HttpClient { BaseAddress = new Uri(BrowserSession.BaseUrl(app) + "/") };
        var login = await client.PostJsonAsync("/api/auth/login", new { email, password = TandemApp.DemoPassword }, HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", login.Str("accessToken"));
        return client;
    }

    internal static async Task<Guid> SamsEngagementAsync(TandemApp app)
    {
        using var sam = await ApiAsync(app, "sam@riverside.test");
        return (await sam.GetJsonAsync("/api/engagements")).EnumerateArray().First(e => e.Str("title").Contains("footing", StringComparison.Ordinal)).Id();
    }
}
