using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>The requests of the matrix: what each role sends, to which ids (see <see cref="MatrixRoutes"/>).</summary>
public sealed partial class AuthorisationMatrixTests
{
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
}
