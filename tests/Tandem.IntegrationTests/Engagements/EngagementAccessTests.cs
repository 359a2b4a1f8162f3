using System.Net.Http.Json;
using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Engagements;

public sealed class EngagementAccessTests
{
    private static readonly string[] Outsiders =
    [
        "casey@riverside.test", "morgan@riverside.test", "riley@riverside.test", "admin@riverside.test",
        "kim@harbor.test", "lee@harbor.test", "admin@harbor.test", "jordan@riverside.test",
    ];

    [Fact]
    public async Task Only_participants_reach_any_engagement_endpoint_everyone_else_gets_404()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var engagementEndpoints = EndpointInfo.All(app.Services)
            .Where(e => e.Pattern.StartsWith("/api/engagements/{id", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(engagementEndpoints);
        var leaks = new List<string>();

        foreach (var email in Outsiders)
        {
            using var client = await app.ClientForAsync(email);
            foreach (var endpoint in engagementEndpoints)
            {
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.PathWith(sams.ToString()));
                if (endpoint.Method != "GET")
                {
                    // A body valid for every endpoint, so only access can refuse it.
                    // (Schedules take an enum "kind", so they get their own.)
                    request.Content = endpoint.Pattern.EndsWith("/schedules", StringComparison.Ordinal)
                        ? JsonContent.Create(new { instrumentId = "phq-9", kind = "Once" })
                        : JsonContent.Create(new
                        {
                            email = "x@example.test", format = "TherapistLed", title = "x", text = "x", focus = "x", value = 5,
                            ownerId = Guid.NewGuid(), userId = Guid.NewGuid(), kind = "AddQuestion", comment = "x", reason = "x", body = "x",
                        });
                }

                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    leaks.Add($"{email} {endpoint.Method} {endpoint.Pattern} -> {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));

        using var sam = await app.ClientForAsync("sam@riverside.test");
        var view = await sam.GetJsonAsync($"/api/engagements/{sams}");
        Assert.Equal("ClientLed", view.Str("format"));
        Assert.Contains(view.GetProperty("participants").EnumerateArray(), p => p.Str("displayName") == "Alex Rivera" && p.Str("role") == "Therapist");
    }

    [Fact]
    public async Task Both_partners_of_a_couple_see_their_shared_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        foreach (var email in new[] { "riley@riverside.test", "avery@riverside.test", "morgan@riverside.test" })
        {
            using var client = await app.ClientForAsync(email);
            var view = await client.GetJsonAsync($"/api/engagements/{couple}");
            Assert.Equal(3, view.GetProperty("participants").GetArrayLength());
        }
    }

    [Fact]
    public async Task The_admin_listing_shows_who_is_where_without_clinical_fields()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var list = await admin.GetJsonAsync("/api/practice/engagements");

        Assert.Equal(4, list.GetArrayLength());
        var text = list.GetRawText();
        Assert.DoesNotContain("title", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("footing", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Kim Santos", text, StringComparison.Ordinal);
        Assert.Contains("Sam Okafor", text, StringComparison.Ordinal);

        using var therapist = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await therapist.StatusOfGetAsync("/api/practice/engagements"));
    }

    [Fact]
    public async Task Each_person_lists_only_their_own_engagements()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var titles = (await alex.GetJsonAsync("/api/engagements")).EnumerateArray().Select(e => e.Str("title")).ToList();
        Assert.Equal(2, titles.Count);
        Assert.DoesNotContain(titles, t => t.Contains("Riley", StringComparison.Ordinal));

        using var kim = await app.ClientForAsync("kim@harbor.test");
        Assert.Single((await kim.GetJsonAsync("/api/engagements")).EnumerateArray());
    }
}
