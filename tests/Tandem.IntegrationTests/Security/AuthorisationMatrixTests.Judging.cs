using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>Sending the matrix's requests and judging each answer against QUALITY.md S1.</summary>
public sealed partial class AuthorisationMatrixTests
{
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

            // A page's form posted to a record the page does not show for this person is a refusal like any other (FormPostNotFound).
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
        return PageForms.TokenIn(html);
    }
}
