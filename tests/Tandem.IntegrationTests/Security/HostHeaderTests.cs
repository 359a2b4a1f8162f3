using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.GettingStarted;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// Issue 19, finding 1: no link, redirect or email is built from request headers. Every request
/// here names a stranger's host (Host, X-Forwarded-Host, X-Forwarded-Proto); whatever Tandem
/// answers or mails must point at its own configured address instead (Tandem:PublicUrl, or the
/// address the server listens on: https://localhost for the in-memory server).
/// </summary>
public sealed class HostHeaderTests
{
    private const string Evil = "evil.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Forge(HttpRequestMessage request)
    {
        request.Headers.Host = "tandem-login." + Evil;
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "forwarded." + Evil);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
        request.Headers.TryAddWithoutValidation("X-Original-Host", "original." + Evil);
    }

    [Fact]
    public async Task A_first_conversation_request_with_a_forged_Host_mails_the_therapist_a_link_on_Tandems_own_address()
    {
        await using var app = await TandemApp.StartAsync();
        var listing = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var anonymous = app.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/directory/requests") { Content = JsonContent.Create(DirectorySteps.Valid(listing)) };
        Forge(request);
        using var response = await anonymous.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));

        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<OutboxMessage>().SingleAsync(m => m.Kind == "first-conversation-new", Ct);
            Assert.DoesNotContain(Evil, mail.TextBody, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"{TandemApp.OwnOrigin}/directory/requests/", mail.TextBody, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Nothing_Tandem_answers_or_mails_names_a_forged_host()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var anonymous = app.CreateAnonymousClient();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var browser = await CrossSiteTests.CookieClientAsync(app, "sam@riverside.test");
        var found = new List<string>();
        var answers = 0;

        async Task<string> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            Forge(request);
            using var response = await client.SendAsync(request, Ct);
            answers++;
            var text = await response.Content.ReadAsStringAsync(Ct);
            var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
            if (text.Contains(Evil, StringComparison.OrdinalIgnoreCase) || headers.Contains(Evil, StringComparison.OrdinalIgnoreCase))
            {
                var at = text.IndexOf(Evil, StringComparison.OrdinalIgnoreCase);
                found.Add($"{method} {path} -> {(int)response.StatusCode}: {(at < 0 ? headers : text[Math.Max(0, at - 80)..Math.Min(text.Length, at + 40)])}");
            }

            return text;
        }

        // Every GET route without ids, anonymous and signed in (pages, API, the API description and its browser).
        var gets = EndpointInfo.All(app.Services).Where(e => e.Method == "GET" && !e.Pattern.Contains('{', StringComparison.Ordinal) && !e.Pattern.StartsWith("/_", StringComparison.Ordinal)).Select(e => e.Pattern).ToList();
        foreach (var path in gets.Append("/openapi/v1.json").Append($"/engagements/{sams}").Append($"/engagements/{sams}/plan"))
        {
            await SendAsync(anonymous, HttpMethod.Get, path);
            await SendAsync(browser, HttpMethod.Get, path);
            await SendAsync(alex, HttpMethod.Get, path);
        }

        // Writes that answer or mail a link: an invitation, a calendar feed, an export, a first-conversation request, a message.
        await SendAsync(alex, HttpMethod.Post, $"/api/engagements/{sams}/invitations", new { email = "new-person@example.test" });
        await SendAsync(sam, HttpMethod.Post, "/api/me/calendar-feed");
        await SendAsync(sam, HttpMethod.Get, $"/api/engagements/{sams}/export/fhir");
        var listing = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        await SendAsync(anonymous, HttpMethod.Post, "/api/directory/requests", DirectorySteps.Valid(listing));
        await SendAsync(sam, HttpMethod.Post, $"/api/engagements/{sams}/messages", new { body = "Hello" });
        await SendAsync(alex, HttpMethod.Post, $"/api/engagements/{sams}/agreement/withdraw");

        // And every mail queued meanwhile (delayed ones included).
        await app.WithDbAsync(async db =>
        {
            foreach (var mail in await db.Set<OutboxMessage>().AsNoTracking().ToListAsync(Ct))
            {
                if (mail.TextBody.Contains(Evil, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add($"mail '{mail.Subject}' ({mail.Kind}) to {mail.To}");
                }
            }
        });

        Figures.Print($"forged Host: {answers} answers and every queued mail scanned, {found.Count} naming the forged host");
        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    [Fact]
    public async Task With_a_public_url_only_its_host_is_allowed()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Tandem:PublicUrl"] = "https://tandem.example.test" });
        using var client = app.CreateAnonymousClient();
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        Forge(forged);
        using var refused = await client.SendAsync(forged, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var own = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        own.Headers.Host = "tandem.example.test";
        using var answered = await client.SendAsync(own, Ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        Assert.Equal("https://tandem.example.test", document.GetProperty("servers")[0].GetProperty("url").GetString());
    }
}
