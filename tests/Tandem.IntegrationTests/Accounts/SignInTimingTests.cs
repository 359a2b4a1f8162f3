using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 19, finding 6 and QUALITY.md S8: every sign-in path answers an existing account (wrong password),
/// an unknown one, a slowed-down ("locked") one and a deactivated one with the same answer and in the
/// same time: medians within 2x (tolerant of a busy machine, but a 10x gap fails). Lean: a dozen tries each.
/// </summary>
public sealed partial class SignInTimingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Tries = 12;

    private static readonly string[] Existing = ["sam@riverside.test", "jordan@riverside.test", "alex@riverside.test", "kim@harbor.test", "admin@harbor.test", "admin@riverside.test"];
    private static readonly string[] Deactivated = ["avery@riverside.test", "casey@riverside.test", "morgan@riverside.test"];
    private const string Locked = "riley@riverside.test";

    private delegate Task<(HttpStatusCode Status, string Answer, TimeSpan Took)> Attempt(string email, string password);

    [Fact]
    public async Task Every_sign_in_path_answers_every_account_state_alike_and_in_the_same_time()
    {
        // At the production iteration count, where a skipped hash would show. The demo accounts' hashes were made with the
        // test apps' lower count, as an installation's older hashes are after it raises the count: they must not answer faster.
        await using var app = await TandemApp.StartAsync(settings: new() { [Tandem.Infrastructure.Security.PasswordHashing.IterationsKey] = null });
        using (var admin = await app.ClientForAsync("admin@riverside.test"))
        {
            foreach (var email in Deactivated)
            {
                using var done = await admin.PostAsync($"/api/practice/people/{await SignInTests.IdOf(app, email)}/deactivate", null, Ct);
                Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
            }
        }

        var problems = new List<string>();
        var lines = new List<string>();
        foreach (var (path, attempt) in new (string, Attempt)[] { ("API", (e, p) => ApiAsync(app, e, p)), ("page", (e, p) => PageAsync(app, e, p)) })
        {
            // Each path starts with fresh counts; then Riley's account is slowed down by five failures.
            app.Clock.Advance(TimeSpan.FromHours(2));
            for (var i = 0; i < 5; i++)
            {
                await attempt(Locked, $"wrong-password-{i}");
            }

            // Warm-up, not measured.
            await attempt("warm-up@example.test", "wrong-password-w");
            await attempt(Existing[0], "wrong-password-w");

            var samples = new Dictionary<string, List<(HttpStatusCode Status, string Answer, TimeSpan Took)>>
            {
                ["existing"] = [], ["unknown"] = [], ["locked"] = [], ["deactivated"] = [],
            };
            for (var i = 0; i < Tries; i++)
            {
                // Interleaved, so a busy moment of the machine touches every state alike.
                samples["existing"].Add(await attempt(Existing[i % Existing.Length], $"wrong-password-{i}"));
                samples["unknown"].Add(await attempt($"nobody-{path}-{i}@riverside.test", $"wrong-password-{i}"));
                samples["locked"].Add(await attempt(Locked, TandemApp.DemoPassword));
                samples["deactivated"].Add(await attempt(Deactivated[i % Deactivated.Length], $"wrong-password-{i}"));
            }

            var medians = samples.ToDictionary(s => s.Key, s => Median(s.Value.Select(v => v.Took.TotalMilliseconds)));
            var ratio = medians.Values.Max() / medians.Values.Min();
            lines.Add($"{path}: " + string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:0} ms")) + $" (max/min {ratio:0.00})");
            if (ratio > 2.0)
            {
                problems.Add($"{path}: medians differ by {ratio:0.0}x: " + string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:0} ms")));
            }

            // The same answer for existing, unknown and deactivated; a slowed-down account answers 429 (an unknown one would too).
            var failed = samples["existing"].Concat(samples["unknown"]).Concat(samples["deactivated"]).Select(s => $"{(int)s.Status} {s.Answer}").Distinct().ToList();
            if (failed.Count != 1)
            {
                problems.Add($"{path}: {failed.Count} different answers for existing, unknown and deactivated accounts: {string.Join(" | ", failed)}");
            }

            if (samples["locked"].Any(s => s.Status != HttpStatusCode.TooManyRequests))
            {
                problems.Add($"{path}: a slowed-down account answered {string.Join(", ", samples["locked"].Select(s => (int)s.Status).Distinct())}, not 429");
            }
        }

        Figures.Print("sign-in timing (median of " + Tries.ToString(CultureInfo.InvariantCulture) + " each): " + string.Join("; ", lines));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// The password-reset request (issue 26, item 3) is a sign-in path too: 202 and the same work for every account state.
    /// Its work is small (an audit entry and a queued job: the account is looked up after the answer), so beside the 2x
    /// rule a difference of under 25 ms between medians passes: at ~10 ms a busy shared machine moves medians by that much
    /// (seen: 20.6 vs 35.3 ms under a load of 20 on 2 cores), while the per-account work an oracle would show (a PBKDF2
    /// hash, 100 ms or more here) stays well above it.
    /// </summary>
    [Fact]
    public async Task Asking_for_a_password_reset_answers_every_account_state_alike_and_in_the_same_time()
    {
        await using var app = await TandemApp.StartAsync();
        using (var admin = await app.ClientForAsync("admin@riverside.test"))
        {
            using var done = await admin.PostAsync($"/api/practice/people/{await SignInTests.IdOf(app, Deactivated[0])}/deactivate", null, Ct);
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        for (var i = 0; i < 5; i++)
        {
            await ApiAsync(app, Locked, $"wrong-password-{i}");
        }

        async Task<(HttpStatusCode Status, string Answer, TimeSpan Took)> AskAsync(string email)
        {
            using var client = app.CreateAnonymousClient();
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsJsonAsync("/api/auth/password-reset", new { email }, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            clock.Stop();
            return (response.StatusCode, body, clock.Elapsed);
        }

        await AskAsync("warm-up@example.test");
        var samples = new Dictionary<string, List<(HttpStatusCode Status, string Answer, TimeSpan Took)>> { ["existing"] = [], ["unknown"] = [], ["locked"] = [], ["deactivated"] = [] };
        for (var i = 0; i < Tries; i++)
        {
            samples["existing"].Add(await AskAsync(Existing[i % Existing.Length]));
            samples["unknown"].Add(await AskAsync($"nobody-reset-{i}@riverside.test"));
            samples["locked"].Add(await AskAsync(Locked));
            samples["deactivated"].Add(await AskAsync(Deactivated[0]));
        }

        var medians = samples.ToDictionary(s => s.Key, s => Median(s.Value.Select(v => v.Took.TotalMilliseconds)));
        var (max, min) = (medians.Values.Max(), medians.Values.Min());
        Figures.Print("password-reset request timing (median of " + Tries.ToString(CultureInfo.InvariantCulture) + " each): " + string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:0.0} ms")));
        Assert.True(max / min <= 2.0 || max - min < 25, "medians: " + string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:0.0} ms")));
        Assert.Single(samples.Values.SelectMany(v => v).Select(v => $"{(int)v.Status} {v.Answer}").Distinct());
    }

    private static async Task<(HttpStatusCode, string, TimeSpan)> ApiAsync(TandemApp app, string email, string password)
    {
        using var client = app.CreateAnonymousClient();
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        clock.Stop();
        return (response.StatusCode, TraceId().Replace(body, ""), clock.Elapsed);
    }

    /// <summary>The sign-in page with a fresh browser: the form is fetched first (not timed), the post is timed.</summary>
    private static async Task<(HttpStatusCode, string, TimeSpan)> PageAsync(TandemApp app, string email, string password)
    {
        using var client = app.CreateAnonymousClient();
        using var form = await client.GetAsync("/Account/Login", Ct);
        var token = PageForms.TokenIn(await form.Content.ReadAsStringAsync(Ct))!;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync("/Account/Login", content, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        clock.Stop();
        return (response.StatusCode, Alert().Match(html).Value, clock.Elapsed);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    [GeneratedRegex("<div class=\"alert[^>]*>[^<]*</div>")]
    private static partial Regex Alert();
}
