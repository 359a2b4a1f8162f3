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
    private static readonly (string Role, string? Email, string[] Targets)[] Roles =
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

    private static readonly Dictionary<string, string> ClientOf = new()
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
                caller.FormToken = results.Where(r => r.Probe.Caller == caller && r.Status == 200).Select(r => TokenPattern().Match(r.Body)).FirstOrDefault(t => t.Success) is { } token
                    ? WebUtility.HtmlDecode(token.Groups[1].Value)
                    : await FormTokenAsync(caller);
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
        caller.Person is not null && e.Pattern.StartsWith("/Account/", StringComparison.Ordinal);

    /// <summary>Problems grouped by what went wrong where (ids and form names folded), each with one full example.</summary>
    private static IEnumerable<string> Grouped(List<(string Key, string Full)> problems) =>
        problems.GroupBy(p => IdPattern().Replace(p.Key, "{id}"))
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count(),4} x {g.Key}{Environment.NewLine}       e.g. {g.First().Full}");

    private static Guid? OwnEngagement(RecordIndex index, Person person) =>
        index.OfType("Engagement").Select(e => e.Id).Where(e => index.IsParticipant(person.Id, e))
            .OrderBy(e => e == index.EngagementOfClient("sam@riverside.test") ? 0 : 1).ThenBy(e => e).Cast<Guid?>().FirstOrDefault();

    private static IEnumerable<MatrixProbe> Reads(MatrixCaller caller, IReadOnlyList<EndpointInfo> endpoints, RecordIndex index, DateTimeOffset now)
    {
        foreach (var e in endpoints.Where(e => e.Method == "GET" && !Skipped(caller, e)))
        {
            var hasRoute = MatrixRoutes.Parameters(e.Pattern).Count > 0;
            // Own: the caller's own engagement in the route (or no ids at all).
            if (!hasRoute || caller.Own is not null)
            {
                yield return Build(caller, e, ProbeKind.Own, "own", caller.Own ?? Guid.Empty, caller.Own ?? Guid.Empty, index, now, withQuery: false);
            }

            foreach (var (label, target) in caller.Targets)
            {
                var foreign = Build(caller, e, ProbeKind.Foreign, label, target, target, index, now, withQuery: true);
                if (foreign.RouteSlots.Any(s => s.Foreign))
                {
                    yield return foreign;
                }

                if (caller.Own is { } own && own != target)
                {
                    var mixed = Build(caller, e, ProbeKind.Mixed, label, own, target, index, now, withQuery: true);
                    if (!mixed.RouteSlots.Any(s => s.Foreign) && mixed.OtherSlots.Any(s => s.Foreign))
                    {
                        yield return mixed;
                    }
                }
                else if (caller.Own == target)
                {
                    // The partners' own engagement: only the other partner's thread in the query is foreign.
                    var mixed = Build(caller, e, ProbeKind.Mixed, label, target, target, index, now, withQuery: true);
                    if (!mixed.RouteSlots.Any(s => s.Foreign) && mixed.OtherSlots.Any(s => s.Foreign))
                    {
                        yield return mixed;
                    }
                }
            }
        }
    }

    private static IEnumerable<MatrixProbe> Writes(MatrixCaller caller, IReadOnlyList<EndpointInfo> endpoints, RecordIndex index, DateTimeOffset now, IReadOnlyDictionary<string, IReadOnlyList<string>> formHandlers)
    {
        foreach (var e in endpoints.Where(e => e.Method != "GET" && !Skipped(caller, e)))
        {
            foreach (var (label, target) in caller.Targets)
            {
                var foreign = Build(caller, e, ProbeKind.Foreign, label, target, target, index, now, withQuery: true);
                if (foreign.RouteSlots.Any(s => s.Foreign) || (foreign.RouteSlots.Count == 0 && foreign.OtherSlots.Any(s => s.Foreign)))
                {
                    foreach (var probe in WithForms(caller, foreign, formHandlers))
                    {
                        yield return probe;
                    }
                }

                var routeFrom = caller.Own ?? Guid.Empty;
                if (e.IsApi && routeFrom != Guid.Empty && MatrixRoutes.Parameters(e.Pattern).Count > 0)
                {
                    var mixed = Build(caller, e, ProbeKind.Mixed, label, routeFrom, target, index, now, withQuery: true);
                    if (!mixed.RouteSlots.Any(s => s.Foreign) && mixed.OtherSlots.Any(s => s.Foreign))
                    {
                        yield return mixed;
                    }
                }
            }
        }
    }

    private static IEnumerable<MatrixProbe> Selves(MatrixCaller caller, IReadOnlyList<EndpointInfo> endpoints, RecordIndex index, DateTimeOffset now,
        IReadOnlyDictionary<string, IReadOnlyList<string>> formHandlers, HashSet<(MatrixCaller, string)> refusedPages)
    {
        foreach (var e in endpoints.Where(e => e.Method != "GET" && !Skipped(caller, e)))
        {
            if (MatrixRoutes.Parameters(e.Pattern).Count > 0)
            {
                continue;
            }

            if (!e.IsApi && !e.Pattern.StartsWith("/hubs", StringComparison.Ordinal) && !e.Pattern.StartsWith("/Account/", StringComparison.Ordinal) || e.Pattern.StartsWith("/Account/Manage", StringComparison.Ordinal))
            {
                // A page's form: only for someone the page's policy refuses (the person's own forms are the features' tests' business).
                if (caller.Person is not null && !refusedPages.Contains((caller, e.Pattern)))
                {
                    continue;
                }

                var probe = new MatrixProbe(caller, e, e.Method, e.Pattern, null, null, [], [], ProbeKind.RefusedForm, "policy");
                foreach (var form in WithForms(caller, probe, formHandlers))
                {
                    yield return form;
                }

                continue;
            }

            // Ids in the body (a therapist to write to, an engagement for break-glass): from the caller's first target, unless foreign (the writes phase sent those).
            var slots = new List<Slot>();
            var filler = new MatrixFiller(index, caller.Person, caller.Targets[0].Engagement, now);
            var body = MatrixBodies.Body(e, filler.For, slots, now);
            if (slots.Any(s => s.Foreign))
            {
                continue;
            }

            yield return new MatrixProbe(caller, e, e.Method, e.Pattern, body is null ? null : MatrixProbe.ToJson(body), null, [], slots, ProbeKind.Self, "self")
            {
                Headers = MatrixBodies.Headers(e),
            };
        }
    }

    private static MatrixProbe Build(MatrixCaller caller, EndpointInfo e, ProbeKind kind, string target, Guid routeEngagement, Guid bodyEngagement, RecordIndex index, DateTimeOffset now, bool withQuery)
    {
        var routeSlots = new List<Slot>();
        var otherSlots = new List<Slot>();
        var route = routeEngagement == Guid.Empty ? null : new MatrixFiller(index, caller.Person, routeEngagement, now);
        var body = bodyEngagement == Guid.Empty ? null : new MatrixFiller(index, caller.Person, bodyEngagement, now);
        var path = MatrixRoutes.Fill(e.Pattern, (type, _) => route!.For(type), routeSlots);
        if (withQuery && body is not null)
        {
            path += MatrixBodies.Query(e, body.For, otherSlots);
        }

        string? json = null;
        if (e.Method != "GET" && e.IsApi)
        {
            var content = MatrixBodies.Body(e, type => body?.For(type) ?? new Slot(type, Guid.NewGuid().ToString(), false, Unknown: true), otherSlots, now);
            json = content is null ? null : MatrixProbe.ToJson(content);
        }

        return new MatrixProbe(caller, e, e.Method, path, json, null, routeSlots, otherSlots, kind, target) { Headers = MatrixBodies.Headers(e) };
    }

    /// <summary>A page's form post: one per form the page renders for its entitled people (or one with a made-up form name).</summary>
    private static IEnumerable<MatrixProbe> WithForms(MatrixCaller caller, MatrixProbe probe, IReadOnlyDictionary<string, IReadOnlyList<string>> formHandlers)
    {
        if (probe.IsApi || probe.Endpoint is null || probe.Path.StartsWith("/hubs", StringComparison.Ordinal) || probe.Endpoint.Pattern.StartsWith("/Account/", StringComparison.Ordinal) && !probe.Endpoint.Pattern.StartsWith("/Account/Manage", StringComparison.Ordinal))
        {
            yield return probe;
            yield break;
        }

        var handlers = formHandlers.TryGetValue(probe.Endpoint.Pattern, out var found) && found.Count > 0 ? found : ["matrix"];
        foreach (var handler in handlers)
        {
            var form = new Dictionary<string, string> { ["_handler"] = handler };
            if (caller.FormToken is not null)
            {
                form["__RequestVerificationToken"] = caller.FormToken;
            }

            yield return probe with { Form = form, Json = null };
        }
    }

    private static IEnumerable<MatrixProbe> Positives(MatrixCaller caller, RecordIndex index, DateTimeOffset now)
    {
        if (caller.Person is null)
        {
            yield break;
        }

        var paths = new List<string>();
        if (caller.Person.IsAdmin)
        {
            paths.AddRange(["/api/practice/engagements", "/api/practice/people", "/practice/engagements", "/practice/people", "/api/practice/audit/verify"]);
        }
        else
        {
            var own = caller.Own!.Value;
            var session = index.OfType("Session").Where(s => s.EngagementId == own && s.Values["Status"]?.ToString() == "Completed").OrderBy(s => s.Id).Last().Id;
            paths.AddRange([
                $"/api/engagements/{own}", $"/api/engagements/{own}/plan", $"/api/engagements/{own}/sessions", $"/api/engagements/{own}/messages",
                $"/api/engagements/{own}/progress", $"/api/engagements/{own}/responses", $"/api/engagements/{own}/access-log", $"/api/engagements/{own}/export/fhir",
                $"/api/sessions/{session}", $"/api/sessions/{session}/note", $"/engagements/{own}", $"/sessions/{session}/note", $"/engagements/{own}/progress",
            ]);
            if (caller.Person.Role == Tandem.Features.Accounts.PersonRole.Therapist)
            {
                paths.AddRange([$"/api/sessions/{session}/private-note", "/api/alerts", "/alerts", "/api/directory/requests"]);
            }

            // One-to-one threads the caller is in (as their client or as a therapist).
            var threads = index.OfType("Message").Where(m => m.EngagementId == own && m.GuidOf("ThreadWith") is { } t && t != Guid.Empty
                && (t == caller.Person.Id || index.IsTherapistOf(caller.Person.Id, own))).Select(m => m.GuidOf("ThreadWith")).Distinct();
            paths.AddRange(threads.Select(t => $"/api/engagements/{own}/messages?withClient={t}"));
        }

        foreach (var path in paths)
        {
            yield return new MatrixProbe(caller, null, "GET", path, null, null, [], [], ProbeKind.Positive, "entitled");
        }
    }

    private static async Task RunAsync(List<MatrixCaller> callers, Func<MatrixCaller, IEnumerable<MatrixProbe>> probesOf, RecordIndex index,
        IReadOnlyDictionary<string, RecordInfo> markers, ConcurrentBag<MatrixResult> results)
    {
        // One stream of requests per caller, the callers side by side.
        await Task.WhenAll(callers.Select(async caller =>
        {
            foreach (var probe in probesOf(caller).ToList())
            {
                results.Add(await SendAsync(probe, index, markers));
            }
        }));
    }

    private static async Task<MatrixResult> SendAsync(MatrixProbe probe, RecordIndex index, IReadOnlyDictionary<string, RecordInfo> markers)
    {
        using var request = probe.ToRequest();
        using var response = await probe.Caller.Http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.ToString();
        return new MatrixResult(probe, status, location, body, Judge(probe, status, location, body, index, markers));
    }

    /// <summary>The rule of QUALITY.md S1 for one answer; null when it holds.</summary>
    private static string? Judge(MatrixProbe p, int status, string? location, string body, RecordIndex index, IReadOnlyDictionary<string, RecordInfo> markers)
    {
        var success = status is >= 200 and < 300;
        if (status >= 500)
        {
            return "server error";
        }

        if (status == 403)
        {
            return "403: a refusal must be 404 (no existence leak)";
        }

        if (p.Kind == ProbeKind.Positive)
        {
            return success ? Scan(p, body, index, markers) : "an entitled read was refused";
        }

        if (p.Caller.Person is null && !p.Public)
        {
            if (p.IsApi)
            {
                return status == 401 ? null : success ? "LEAK: answered before sign-in" : "before sign-in the API answers 401";
            }

            return status == 401 || (status == 302 && location?.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase) == true)
                ? null
                : success ? "LEAK: a page answered before sign-in" : "before sign-in a page sends to the sign-in page";
        }

        if (p.Kind is ProbeKind.Foreign or ProbeKind.RefusedForm && !p.Public && (p.RouteSlots.Any(s => s.Foreign) || p.Kind == ProbeKind.RefusedForm || p.OtherSlots.Any(s => s.Foreign)))
        {
            if (success)
            {
                return "LEAK: answered a request for a record the caller may not see";
            }

            // A page's form posted to a record the page does not show for this person: the page renders no form, and Blazor
            // answers 400 before any handler runs. Allowed only when a made-up id gets the same answer (checked in OraclesAsync).
            if (p.Form is not null && status == 400)
            {
                return null;
            }

            return status == 404 ? null : "a record the caller may not see must answer 404; answered: " + Snippet(body);
        }

        if (p.Public && p.IsApi && p.RouteSlots.Any(s => s.Unknown) && success)
        {
            return "LEAK: a guessed secret was accepted";
        }

        if (p.Kind == ProbeKind.Mixed && p.Method != "GET" && success)
        {
            return "LEAK: a write with a foreign id in its body was accepted";
        }

        return success ? Scan(p, body, index, markers) : null;
    }

    private static string Snippet(string body)
    {
        var text = Regex.Replace(Regex.Replace(body, "<[^>]+>", " "), @"\s+", " ").Trim();
        return text.Length > 160 ? text[..160] : text;
    }

    private static string? Scan(MatrixProbe p, string body, RecordIndex index, IReadOnlyDictionary<string, RecordInfo> markers)
    {
        // The admins' security log lists the refusals this very matrix caused, by id: that is its purpose (no clinical content).
        if (p.Path.StartsWith("/api/practice/security-log", StringComparison.Ordinal) || p.Path.StartsWith("/practice/security", StringComparison.Ordinal))
        {
            return null;
        }

        var found = index.ForbiddenIn(p.Caller.Person, body, markers);
        return found.Count == 0 ? null : "LEAK: the answer contains " + string.Join(", ", found.Take(5)) + (found.Count > 5 ? $" and {found.Count - 5} more" : "");
    }

    /// <summary>Mixed requests again with made-up ids in place of the foreign ones: the answer must not tell the two apart.</summary>
    private static async Task<List<string>> OraclesAsync(ConcurrentBag<MatrixResult> results)
    {
        var problems = new List<string>();
        foreach (var r in results.Where(r => r.Problem is null && (r.Probe.Kind == ProbeKind.Mixed || r.Probe.Kind == ProbeKind.Foreign && r.Probe.Form is not null && r.Status != 404)).ToList())
        {
            var path = r.Probe.Path;
            var json = r.Probe.Json;
            foreach (var slot in r.Probe.OtherSlots.Concat(r.Probe.RouteSlots).Where(s => s.Forbidden))
            {
                var madeUp = Guid.TryParse(slot.Value, out _) ? Guid.NewGuid().ToString() : "made-up-key";
                path = path.Replace(slot.Value, madeUp, StringComparison.Ordinal);
                json = json?.Replace(slot.Value, madeUp, StringComparison.Ordinal);
            }

            var variant = r.Probe with { Path = path, Json = json, Kind = ProbeKind.MadeUp };
            using var request = variant.ToRequest();
            using var response = await variant.Caller.Http.SendAsync(request, Ct);
            results.Add(new MatrixResult(variant, (int)response.StatusCode, null, "", null));
            if ((int)response.StatusCode != r.Status)
            {
                problems.Add($"{r.Probe.Label} -> {r.Status}, but {(int)response.StatusCode} with a made-up id: the answer tells whether the foreign record exists");
            }
        }

        return problems;
    }

    private static List<string> Changes(RecordIndex before, RecordIndex after)
    {
        var changes = new List<string>();
        foreach (var (id, record) in before.Records)
        {
            if (!after.Records.TryGetValue(id, out var now))
            {
                changes.Add($"LEAK: a refused write deleted {record.Type} {id}");
            }
            else if (now.Fingerprint != record.Fingerprint)
            {
                changes.Add($"LEAK: a refused write changed {record.Type} {id}: {Difference(record.Fingerprint, now.Fingerprint)}");
            }
        }

        changes.AddRange(after.Records.Values.Where(r => !before.Records.ContainsKey(r.Id)).Select(r => $"LEAK: a refused write created {r.Type} {r.Id}"));
        return changes;
    }

    private static string Difference(string before, string after)
    {
        var a = before.Split('|');
        var b = after.Split('|');
        return string.Join("; ", a.Zip(b).Where(x => x.First != x.Second).Select(x => $"{x.First} -> {x.Second}").Take(3));
    }

    /// <summary>The forms each page renders (Blazor's hidden _handler field), from the pages the matrix read as their entitled people.</summary>
    private static Dictionary<string, IReadOnlyList<string>> FormHandlers(IEnumerable<MatrixResult> results) =>
        results.Where(r => r.Probe.Endpoint is { IsApi: false } && r.Status == 200)
            .GroupBy(r => r.Probe.Endpoint!.Pattern)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.SelectMany(r => HandlerPattern().Matches(r.Body).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))).Distinct().Order(StringComparer.Ordinal).ToList());

    private static async Task<string?> FormTokenAsync(MatrixCaller caller)
    {
        var page = caller.Person is null ? "/Account/Login" : "/Account/Manage/ChangePassword";
        using var response = await caller.Http.GetAsync(page, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var token = TokenPattern().Match(html);
        return token.Success ? WebUtility.HtmlDecode(token.Groups[1].Value) : null;
    }

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

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
