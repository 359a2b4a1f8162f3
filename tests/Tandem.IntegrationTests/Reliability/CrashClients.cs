using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.IntegrationTests.Measures;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Reliability;

/// <summary>A demo person signed in once (bearer tokens outlive restarts) and their engagements.</summary>
public sealed record CrashPerson(string Name, string AccessToken, IReadOnlyList<Guid> Engagements);

/// <summary>
/// The people who write during the crash test: every demo client submits PHQ-9s (each with its
/// own Idempotency-Key) and messages; the therapists write messages; three clients of
/// client-led engagements change their plan's focus with If-Match. Each write goes into the
/// ledger before it is sent, and is marked acknowledged only when a 2xx answer arrived whole.
/// </summary>
public sealed class CrashClients(IReadOnlyList<CrashPerson> people, WriteLedger ledger)
{
    public static readonly string[] Clients = ["sam", "jordan", "casey", "riley", "avery", "kim"];
    public static readonly string[] Therapists = ["alex", "morgan", "lee"];

    /// <summary>Clients of client-led engagements: they may set the focus themselves.</summary>
    public static readonly string[] PlanEditors = ["sam", "casey", "kim"];

    public IReadOnlyList<CrashPerson> People => people;

    public static async Task<CrashClients> SignInAsync(Uri baseAddress, WriteLedger ledger, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var people = new List<CrashPerson>();
        foreach (var name in Clients.Concat(Therapists))
        {
            var email = $"{name}@{(name is "kim" or "lee" ? "harbor" : "riverside")}.test";
            using var login = await http.PostAsJsonAsync("api/auth/login", new { email, password = TandemApp.DemoPassword }, ct);
            Assert.True(login.IsSuccessStatusCode, $"sign-in of {email}: {(int)login.StatusCode}");
            var token = (await login.Content.ReadFromJsonAsync<TokenResponse>(Json.Options, ct))!.AccessToken;
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/engagements");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var list = await http.SendAsync(request, ct);
            var engagements = (await list.Content.ReadFromJsonAsync<JsonElement>(ct)).EnumerateArray().Select(e => e.Id()).ToList();
            Assert.NotEmpty(engagements);
            people.Add(new CrashPerson(name, token, engagements));
        }

        return new CrashClients(people, ledger);
    }

    public static HttpClient ClientFor(Uri baseAddress, CrashPerson person)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", person.AccessToken);
        return http;
    }

    public CrashPerson Person(string name) => people.Single(p => p.Name == name);

    /// <summary>Every writer at once, until <paramref name="stop"/> (set just after the kill).</summary>
    public Task BurstAsync(Uri baseAddress, int round, CancellationToken stop)
    {
        var work = new List<Task>();
        foreach (var person in people)
        {
            var isClient = Clients.Contains(person.Name);
            work.Add(Task.Run(() => WriterAsync(baseAddress, person, round, isClient, stop), CancellationToken.None));
            if (PlanEditors.Contains(person.Name))
            {
                work.Add(Task.Run(() => PlanEditorAsync(baseAddress, person, round, stop), CancellationToken.None));
            }
        }

        return Task.WhenAll(work);
    }

    public static object Phq9(Random random) => new
    {
        instrumentId = "phq-9",
        // Item 9 above 0 now and then, so some submissions also raise a risk alert in the same transaction.
        answers = MeasureRequests.Phq9Items.Select(l => new { linkId = l, value = (object)(l == "44260-8" ? (random.Next(5) == 0 ? 1 : 0) : random.Next(4)) }).ToArray(),
    };

    private async Task WriterAsync(Uri baseAddress, CrashPerson person, int round, bool isClient, CancellationToken stop)
    {
        using var http = ClientFor(baseAddress, person);
        var random = new Random(HashCode.Combine(person.Name, round));
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var engagement = person.Engagements[i % person.Engagements.Count];
            if (isClient && i % 2 == 0)
            {
                var body = Phq9(random);
                var write = ledger.Begin(new TrackedWrite(WriteKind.Response, $"crash-{Guid.NewGuid():N}", engagement, person.Name, body) { Round = round });
                if ((await SendAsync(http, write, HttpMethod.Post, $"api/engagements/{engagement}/responses", body, write.Marker, null, stop)).Gone)
                {
                    return;
                }
            }
            else
            {
                var marker = $"crash-{Guid.NewGuid():N}";
                var write = ledger.Begin(new TrackedWrite(WriteKind.Message, marker, engagement, person.Name, null) { Round = round });
                if ((await SendAsync(http, write, HttpMethod.Post, $"api/engagements/{engagement}/messages", new { body = marker }, null, null, stop)).Gone)
                {
                    return;
                }
            }
        }
    }

    private async Task PlanEditorAsync(Uri baseAddress, CrashPerson person, int round, CancellationToken stop)
    {
        using var http = ClientFor(baseAddress, person);
        var engagement = person.Engagements[0];
        int? version = null;
        while (!stop.IsCancellationRequested)
        {
            if (version is null)
            {
                try
                {
                    using var current = await http.GetAsync(new Uri($"api/engagements/{engagement}/plan", UriKind.Relative), stop);
                    version = (await current.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("version").GetInt32();
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or KeyNotFoundException or InvalidOperationException or System.Net.Sockets.SocketException)
                {
                    return;
                }
            }

            var marker = $"crash-{Guid.NewGuid():N}";
            var write = ledger.Begin(new TrackedWrite(WriteKind.PlanFocus, marker, engagement, person.Name, null) { Round = round });
            var (answer, gone) = await SendAsync(http, write, HttpMethod.Put, $"api/engagements/{engagement}/plan", new { focus = marker }, null,
                $"\"{version.Value.ToString(CultureInfo.InvariantCulture)}\"", stop);
            if (gone)
            {
                return;
            }

            version = answer is { } view ? view.GetProperty("version").GetInt32() : null;
        }
    }

    /// <summary>Sends one tracked write: the parsed body of a 2xx answer (else null), and whether the server is gone.</summary>
    private async Task<(JsonElement? Answer, bool Gone)> SendAsync(HttpClient http, TrackedWrite write, HttpMethod method, string path, object body, string? idempotencyKey, string? ifMatch, CancellationToken stop)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            using var response = await http.SendAsync(request, stop);
            var text = await response.Content.ReadAsStringAsync(stop);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var json = JsonDocument.Parse(text).RootElement.Clone();
                ledger.Acknowledge(write, write.Kind == WriteKind.PlanFocus ? null : json.Id(), status);
                return (json, false);
            }

            if (status >= 500)
            {
                ledger.ServerError(write, status, text);
            }
            else
            {
                WriteLedger.Refuse(write, status);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or JsonException or System.Net.Sockets.SocketException)
        {
            // The server died before it answered (or while it did): unacknowledged, and this client stops.
            // (A connection the dying server half-opened can surface as a bare SocketException.)
            return (null, true);
        }

        return (null, false);
    }

    /// <summary>Sends a response again with its Idempotency-Key: (status, id, whether the server said it was a replay).</summary>
    public static async Task<(HttpStatusCode Status, Guid Id, bool Replayed)> RetryAsync(HttpClient http, TrackedWrite write, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/engagements/{write.EngagementId}/responses") { Content = JsonContent.Create(write.Body) };
        request.Headers.Add("Idempotency-Key", write.Marker);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"retry of {write.Marker}: {(int)response.StatusCode} {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Id(), response.Headers.Contains("Idempotent-Replayed"));
    }
}
