using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S1, the authorisation matrix: every endpoint the app maps (read from its own
/// endpoint data source, API and pages, so a new one cannot be missed) x every role x every
/// verb it declares, with ids of records the caller must not see in the path, the query and
/// the body (see <see cref="MatrixRoutes"/> for which record fills which id). Expected: no 2xx
/// for anyone not entitled, 404 for a foreign record (401, or a redirect to sign-in, before
/// sign-in), never 403, never 5xx; no answer carries an id or a word of a record its reader
/// may not see; refused writes change nothing. Entitled participants get 2xx on a sample of
/// reads, so the matrix cannot pass by refusing everything.
/// </summary>
public sealed partial class AuthorisationMatrixTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The roles of QUALITY.md S1 and, for each, the engagements whose records it must not reach.</summary>
    internal static readonly (string Role, string? Email, string[] Targets)[] Roles =
    [
        ("anonymous", null, ["sam"]),
        ("client A (sam)", "sam@riverside.test", ["jordan", "kim"]),
        ("client B of the same therapist (jordan)", "jordan@riverside.test", ["sam", "kim"]),
        // Partners: their own couple's engagement is a target too, for the other partner's personal records.
        ("partner in a couple (riley)", "riley@riverside.test", ["riley", "sam", "kim"]),
        ("partner in a couple (avery)", "avery@riverside.test", ["avery", "sam"]),
        ("assigned therapist (alex)", "alex@riverside.test", ["casey", "riley", "kim"]),
        ("other therapist in the practice (morgan)", "morgan@riverside.test", ["sam", "jordan", "kim"]),
        ("therapist of another practice (lee)", "lee@harbor.test", ["sam"]),
        ("admin of another practice", "admin@harbor.test", ["sam"]),
        ("practice admin", "admin@riverside.test", ["sam", "kim"]),
    ];

    internal static readonly Dictionary<string, string> ClientOf = new()
    {
        ["sam"] = "sam@riverside.test", ["jordan"] = "jordan@riverside.test", ["riley"] = "riley@riverside.test",
        ["avery"] = "avery@riverside.test", ["casey"] = "casey@riverside.test", ["kim"] = "kim@harbor.test",
    };

    [Fact]
    public async Task Every_endpoint_for_every_role_and_verb_refuses_what_the_caller_may_not_see()
    {
        var clock = Stopwatch.StartNew();
        await using var app = await TandemApp.StartAsync();
        await MatrixSetup.RunAsync(app);
        var index = await RecordIndex.LoadAsync(app);
        var markers = index.Markers();
        Assert.True(markers.Count >= 6, $"The setup's marked personal records were not found ({markers.Count}).");
        var now = app.Clock.GetUtcNow();

        var all = EndpointInfo.All(app.Services);
        var endpoints = all.Where(e => !MatrixRoutes.IsOutOfScope(e)).ToList();
        var unmapped = endpoints.SelectMany(e => MatrixRoutes.Parameters(e.Pattern)
                .Where(p => MatrixRoutes.TypeOf(e.Pattern, p.Name, p.Before) is null)
                .Select(p => $"{{{p.Name}}} in {e.Method} {e.Pattern}"))
            .Distinct().ToList();
        Assert.True(unmapped.Count == 0, "Route parameters the matrix does not know how to fill (add them to MatrixRoutes.TypeOf): " + string.Join(", ", unmapped));

        var callers = new List<MatrixCaller>();
        foreach (var (role, email, targets) in Roles)
        {
            var person = email is null ? null : index.Person(email);
            callers.Add(new MatrixCaller
            {
                Role = role,
                Person = person,
                Http = email is null ? app.CreateAnonymousClient() : await app.ClientForAsync(email),
                Own = person is null ? null : OwnEngagement(index, person),
                Targets = targets.Select(t => (t, index.EngagementOfClient(ClientOf[t]))).ToList(),
            });
        }

        var results = new ConcurrentBag<MatrixResult>();
        try
        {
            // 1. Reads: the caller's own records (answers scanned), foreign records, own records with foreign ids in the query; entitled reads.
            await RunAsync(callers, c => Reads(c, endpoints, index, now).Concat(Positives(c, index, now)), index, markers, results);
            var formHandlers = FormHandlers(results);
            foreach (var caller in callers)
            {
                caller.FormToken = results.Where(r => r.Probe.Caller == caller && r.Status == 200).Select(r => PageForms.TokenIn(r.Body)).FirstOrDefault(t => t is not null)
                    ?? await FormTokenAsync(caller);
            }

            // 2. Writes with foreign ids: every one must be refused, and change nothing.
            var before = await RecordIndex.LoadAsync(app);
            await RunAsync(callers, c => Writes(c, endpoints, index, now, formHandlers), index, markers, results);
            var after = await RecordIndex.LoadAsync(app);
            var changed = Changes(before, after);

            // 3. Endpoints without ids (the caller's own settings, lists, sign-in...), by everyone; forms of pages the caller's role may not open.
            var refusedPages = results.Where(r => r.Probe.Kind == ProbeKind.Own && r.Probe.Endpoint is { IsApi: false } && r.Status == 404 && r.Probe.RouteSlots.Count == 0)
                .Select(r => (r.Probe.Caller, r.Probe.Endpoint!.Pattern)).ToHashSet();
            await RunAsync(callers, c => Selves(c, endpoints, index, now, formHandlers, refusedPages), index, markers, results);

            // Made-up ids in place of the foreign ones must get the same answer (no existence oracle).
            var oracles = await OraclesAsync(results);

            var problems = results.Where(r => r.Problem is not null)
                .Select(r => (Key: $"{r.Probe.Method} {(r.Probe.Endpoint is { } e ? MatrixRoutes.Plain(e.Pattern) : r.Probe.Path)} ({r.Probe.Kind}) -> {r.Status}: {r.Problem}", Full: $"{r.Probe.Label} -> {r.Status}: {r.Problem}"))
                .Concat(changed.Concat(oracles).Select(c => (Key: c, Full: c))).ToList();
            var leaks = results.Count(r => r.Problem?.StartsWith("LEAK", StringComparison.Ordinal) == true) + changed.Count;
            Report(results, endpoints, all.Count, clock.Elapsed, leaks, problems.Count);
            Assert.True(problems.Count == 0, $"{problems.Count} problems ({leaks} leaks), by kind (count, then one example):" + Environment.NewLine + string.Join(Environment.NewLine, Grouped(problems)));

            // Not vacuous: entitled reads answered, and real foreign ids of every record type reached the endpoints.
            var positives = results.Where(r => r.Probe.Kind == ProbeKind.Positive).ToList();
            Assert.All(positives, p => Assert.True(p.Status is >= 200 and < 300, $"{p.Probe.Label} -> {p.Status}"));
            Assert.True(positives.Count >= 20, $"only {positives.Count} positive controls");
            var realForeign = results.SelectMany(r => r.Probe.RouteSlots.Concat(r.Probe.OtherSlots)).Where(s => s.Forbidden).Select(s => s.Type).ToHashSet();
            string[] mustCover = ["Engagement", "Session", "Goal", "Commitment", "Proposal", "Message", "MeasureAlert", "MeasureSchedule", "FirstConversationRequest", "PracticeInstrument", "InstrumentKey", "Person", "Thread", "AgendaItem", "Participant"];
            Assert.Empty(mustCover.Except(realForeign));
        }
        finally
        {
            foreach (var caller in callers)
            {
                caller.Http.Dispose();
            }
        }
    }

    /// <summary>
    /// The account pages (sign-in, two-factor, passkeys, password) hold no clinical data, and some act on GET
    /// (a new authenticator key signs the person out elsewhere): only anonymous callers probe them here; the account tests cover the rest.
    /// </summary>
    private static bool Skipped(MatrixCaller caller, EndpointInfo e) =>
        caller.Person is not null && (e.Pattern.StartsWith("/Account/", StringComparison.Ordinal) || EndsOwnSession.Contains(e.Pattern));

    /// <summary>Endpoints that end the caller's own sign-in sessions: the rest of the run would be anonymous. SignInSessionTests covers them.</summary>
    private static readonly HashSet<string> EndsOwnSession = ["/api/auth/logout", "/api/me/sessions/end-others"];

    /// <summary>Problems grouped by what went wrong where (ids and form names folded), each with one full example.</summary>
    private static IEnumerable<string> Grouped(List<(string Key, string Full)> problems) =>
        problems.GroupBy(p => IdPattern().Replace(p.Key, "{id}"))
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count(),4} x {g.Key}{Environment.NewLine}       e.g. {g.First().Full}");

    private static void Report(ConcurrentBag<MatrixResult> results, List<EndpointInfo> endpoints, int allEndpoints, TimeSpan elapsed, int leaks, int problems)
    {
        var lines = new List<string>
        {
            $"authorisation matrix: {endpoints.Count} endpoint-verbs in scope of {allEndpoints} ({endpoints.Count(e => e.IsApi)} API, {endpoints.Count(e => !e.IsApi)} pages and others), "
            + $"{Roles.Length} roles, {elapsed.TotalSeconds:0} s, provider {TestEnvironment.Provider}",
        };
        foreach (var kind in Enum.GetValues<ProbeKind>())
        {
            var of = results.Where(r => r.Probe.Kind == kind).ToList();
            lines.Add($"  {kind}: {of.Count} requests; " + string.Join(", ", of.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}")));
        }

        lines.Add("  answered 2xx although the route named a foreign or made-up id (public pages only): "
            + string.Join(", ", results.Where(r => r.Probe.Kind == ProbeKind.Foreign && r.Status is >= 200 and < 300).Select(r => $"{r.Probe.Method} {r.Probe.Endpoint?.Pattern}").Distinct()));
        var foreignIds = results.SelectMany(r => r.Probe.RouteSlots.Concat(r.Probe.OtherSlots)).Where(s => s.Forbidden).GroupBy(s => s.Type);
        lines.Add("  real foreign ids used: " + string.Join(", ", foreignIds.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        lines.Add($"figure: authorisation matrix: {results.Count} requests, {leaks} leaks ({problems} problems in all)");
        foreach (var line in lines)
        {
            // Straight to the runner's output (xunit does not capture the console), where test.sh picks up "figure:" lines.
            Console.WriteLine(line);
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")]
    private static partial Regex IdPattern();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex HandlerPattern();
}
