using System.Net;
using System.Net.Http.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

/// <summary>
/// Private process notes reach nobody but their author (QUALITY.md S2; issue 5 acceptance 2):
/// every response any other person gets, from every GET endpoint and page of the app, for
/// every id involved, is searched for a marker written into the note.
/// </summary>
public sealed class PrivateNoteTests
{
    private const string Marker = "PRIVATE-MARKER-7f3c1e";

    [Fact]
    public async Task Only_the_author_reads_a_private_note_not_even_a_co_therapist()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var morgan = await AddCoTherapistAsync(app, alex, sams);
        var id = await SessionSteps.ScheduleAsync(alex, sams, app.Clock.GetUtcNow().AddDays(1));

        using (var put = await SessionSteps.SendAsync(alex, HttpMethod.Put, $"/api/sessions/{id}/private-note", new { body = Marker }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Equal(Marker, (await alex.GetJsonAsync($"/api/sessions/{id}/private-note")).Str("body"));
        // Morgan is a therapist of this engagement now, and has no private note of their own here.
        Assert.Equal("", (await morgan.GetJsonAsync($"/api/sessions/{id}/private-note")).Str("body"));
        using (var own = await SessionSteps.SendAsync(morgan, HttpMethod.Put, $"/api/sessions/{id}/private-note", new { body = "Morgan's own" }))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }

        Assert.Equal(Marker, (await alex.GetJsonAsync($"/api/sessions/{id}/private-note")).Str("body"));
        using var sam = await app.ClientForAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfGetAsync($"/api/sessions/{id}/private-note"));
    }

    [Fact]
    public async Task No_response_to_anyone_but_the_author_contains_private_note_text()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var morganApi = await AddCoTherapistAsync(app, alex, sams);
        var id = await SessionSteps.ScheduleAsync(alex, sams, app.Clock.GetUtcNow().AddHours(-2));
        await alex.PostJsonAsync($"/api/sessions/{id}/agenda", new { text = "Agenda" }, HttpStatusCode.Created);
        using (var put = await SessionSteps.SendAsync(alex, HttpMethod.Put, $"/api/sessions/{id}/private-note", new { body = $"My hunch: {Marker}" }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await SessionSteps.SignedNoteAsync(alex, id, "Shared words only.");
        var noteId = (await alex.GetJsonAsync($"/api/sessions/{id}/note")).Id();
        var ids = new[] { id, sams, noteId, await Accounts.SignInTests.IdOf(app, "alex@riverside.test") };

        var others = new List<(string Who, HttpClient Client)>
        {
            ("morgan (co-therapist, bearer)", morganApi),
        };
        foreach (var email in new[] { "sam@riverside.test", "jordan@riverside.test", "admin@riverside.test", "lee@harbor.test", "kim@harbor.test" })
        {
            others.Add((email + " (bearer)", await app.ClientForAsync(email)));
        }

        foreach (var email in new[] { "sam@riverside.test", "morgan@riverside.test", "admin@riverside.test" })
        {
            var cookie = app.CreateAnonymousClient();
            await PageForms.SignInAsync(cookie, email);
            others.Add((email + " (pages)", cookie));
        }

        var gets = EndpointInfo.All(app.Services)
            .Where(e => e.Method == "GET" && !e.Pattern.StartsWith("/_", StringComparison.Ordinal) && !e.Pattern.Contains("**", StringComparison.Ordinal) && !e.Pattern.StartsWith("/scalar", StringComparison.Ordinal))
            // Account pages hold no clinical data, and some act on GET (a new authenticator key signs the person out elsewhere).
            .Where(e => !e.Pattern.StartsWith("/Account", StringComparison.Ordinal))
            .ToList();
        var bodies = 0;
        var leaks = new List<string>();
        foreach (var (who, client) in others)
        {
            foreach (var endpoint in gets)
            {
                foreach (var path in ids.Select(i => endpoint.PathWith(i.ToString())).Distinct())
                {
                    using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
                    var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                    bodies++;
                    Assert.True(response.StatusCode != HttpStatusCode.Unauthorized, $"{who} was signed out at GET {path}: the crawl would prove nothing");
                    if ((int)response.StatusCode >= 500)
                    {
                        leaks.Add($"{who} GET {path} -> {(int)response.StatusCode} (a server error)");
                    }

                    if (text.Contains(Marker, StringComparison.Ordinal) || text.Contains("My hunch", StringComparison.Ordinal))
                    {
                        leaks.Add($"{who} GET {path} -> {(int)response.StatusCode}");
                    }
                }
            }

            // Writes answer with views too: none of them may carry it either.
            foreach (var (method, path, body) in new (string, string, object)[]
            {
                ("POST", $"/api/sessions/{id}/note/annotations", new { text = "Reading it" }),
                ("POST", $"/api/sessions/{id}/agenda", new { text = "More" }),
                ("PUT", $"/api/sessions/{id}/private-note", new { body = "" }),
                ("POST", $"/api/sessions/{id}/reflections", new { text = "Mine" }),
            })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(body) };
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                bodies++;
                if (text.Contains(Marker, StringComparison.Ordinal))
                {
                    leaks.Add($"{who} {method} {path} -> {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(bodies > 300, $"only {bodies} responses collected");
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
        // Morgan's empty save above created Morgan's own note; Alex's is untouched.
        Assert.Contains(Marker, (await alex.GetJsonAsync($"/api/sessions/{id}/private-note")).Str("body"), StringComparison.Ordinal);
        foreach (var (_, client) in others)
        {
            client.Dispose();
        }
    }

    /// <summary>Adds Morgan, a therapist of the same practice, to Sam's engagement as a co-therapist, through the co-therapist use case.</summary>
    internal static async Task<HttpClient> AddCoTherapistAsync(TandemApp app, HttpClient alex, Guid engagementId)
    {
        var morganId = await Accounts.SignInTests.IdOf(app, "morgan@riverside.test");
        await alex.PostJsonAsync($"/api/engagements/{engagementId}/therapists", new { userId = morganId }, HttpStatusCode.OK);
        return await app.ClientForAsync("morgan@riverside.test");
    }
}
