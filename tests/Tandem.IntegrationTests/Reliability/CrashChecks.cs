using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Scoring;
using Tandem.Features.Messages;
using Tandem.Features.Plans;
using Tandem.Features.Proposals;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Reliability;

/// <summary>What was in the database before the crash test wrote anything.</summary>
public sealed record CrashBaseline(long MaxAuditId, HashSet<Guid> PlanVersionIds);

public sealed record CrashReport(int Acknowledged, int Responses, int Messages, int PlanVersions, int Alerts, int AuditEntries);

/// <summary>The crash test's checks of what a killed process left in the database.</summary>
public static partial class CrashChecks
{
    [GeneratedRegex("crash-[0-9a-f]{32}")]
    private static partial Regex Marker();

    public static async Task<CrashBaseline> BaselineAsync(TestDatabase database, CancellationToken ct)
    {
        await using var db = DirectDb.Open(database);
        var maxAudit = await db.AuditEntries.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        var versions = await db.Set<PlanVersion>().Select(v => v.Id).ToListAsync(ct);
        return new CrashBaseline(maxAudit, [.. versions]);
    }

    /// <summary>After the last restart the app answers reads of everything the test wrote.</summary>
    public static async Task QueriesSucceedAsync(TandemProcess app, CrashClients clients, CancellationToken ct)
    {
        foreach (var person in clients.People)
        {
            using var http = CrashClients.ClientFor(app.BaseAddress, person);
            var paths = new List<string> { "api/engagements" };
            foreach (var engagement in person.Engagements)
            {
                paths.Add($"api/engagements/{engagement}/plan");
                paths.Add($"api/engagements/{engagement}/messages");
                paths.Add($"api/engagements/{engagement}/responses?instrumentId=phq-9");
            }

            foreach (var path in paths)
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{person.Name} GET {path} after the last restart: {(int)response.StatusCode}\n{app.Tail()}");
            }
        }
    }

    /// <summary>The writes without a 2xx answer that are in the database anyway. Refused (4xx) writes must not be.</summary>
    public static async Task<HashSet<TrackedWrite>> LandedAsync(TestDatabase database, WriteLedger ledger, CancellationToken ct)
    {
        await using var db = DirectDb.Open(database);
        var keys = (await db.Set<MeasureResponse>().Where(r => r.IdempotencyKey != null && r.IdempotencyKey.StartsWith("crash-"))
            .Select(r => r.IdempotencyKey!).ToListAsync(ct)).ToHashSet();
        var bodies = (await db.Set<Message>().Where(m => m.Body.StartsWith("crash-")).Select(m => m.Body).ToListAsync(ct)).ToHashSet();
        var focuses = (await db.Set<Proposal>().Where(p => p.Payload.Contains("crash-")).Select(p => p.Payload).ToListAsync(ct))
            .SelectMany(p => Marker().Matches(p).Select(m => m.Value)).ToHashSet();
        DirectDb.ClearPools(database);

        var landed = ledger.All.Where(w => w.Outcome != WriteOutcome.Acknowledged && (w.Kind switch
        {
            WriteKind.Response => keys.Contains(w.Marker),
            WriteKind.Message => bodies.Contains(w.Marker),
            _ => focuses.Contains(w.Marker),
        })).ToHashSet();
        var refusedButStored = landed.Where(w => w.Outcome == WriteOutcome.Refused).ToList();
        Assert.True(refusedButStored.Count == 0,
            $"{refusedButStored.Count} writes answered 4xx are stored: {string.Join(", ", refusedButStored.Take(5).Select(w => $"{w.Kind} {w.Status} {w.Marker}"))}");
        return landed;
    }

    /// <summary>Every acknowledged write is there; every stored write is whole and audited; every audit entry has its row.</summary>
    public static async Task<CrashReport> VerifyAsync(TestDatabase database, CrashBaseline before, WriteLedger ledger, CancellationToken ct)
    {
        await using var db = DirectDb.Open(database);
        var responses = await db.Set<MeasureResponse>().AsNoTracking().Where(r => r.IdempotencyKey != null && r.IdempotencyKey.StartsWith("crash-"))
            .Select(r => new { r.Id, Key = r.IdempotencyKey!, r.Flags }).ToListAsync(ct);
        var observations = await db.Set<ScoreObservation>().AsNoTracking()
            .Where(o => db.Set<MeasureResponse>().Any(r => r.Id == o.ResponseId && r.IdempotencyKey != null && r.IdempotencyKey.StartsWith("crash-")))
            .GroupBy(o => o.ResponseId).Select(g => new { ResponseId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var alerts = await db.Set<MeasureAlert>().AsNoTracking()
            .Where(a => db.Set<MeasureResponse>().Any(r => r.Id == a.ResponseId && r.IdempotencyKey != null && r.IdempotencyKey.StartsWith("crash-")))
            .Select(a => new { a.Id, a.ResponseId, a.Kind }).ToListAsync(ct);
        var messages = await db.Set<Message>().AsNoTracking().Where(m => m.Body.StartsWith("crash-")).Select(m => new { m.Id, m.Body }).ToListAsync(ct);
        var versions = (await db.Set<PlanVersion>().AsNoTracking().Select(v => new { v.Id, v.EngagementId, v.Snapshot }).ToListAsync(ct))
            .Where(v => !before.PlanVersionIds.Contains(v.Id)).ToList();
        var proposals = await db.Set<Proposal>().AsNoTracking().Where(p => p.Payload.Contains("crash-")).Select(p => p.Payload).ToListAsync(ct);
        var audit = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Id > before.MaxAuditId && ((e.Action == AuditAction.Create && (e.ObjectType == "MeasureResponse" || e.ObjectType == "MeasureAlert" || e.ObjectType == "Message"))
                || (e.Action == AuditAction.Update && e.ObjectType == "Plan")))
            .Select(e => new { e.ObjectType, e.ObjectId, e.EngagementId }).ToListAsync(ct);
        DirectDb.ClearPools(database);

        // Exactly one record per Idempotency-Key, and every acknowledged write is there under the id it was given.
        Assert.All(responses.GroupBy(r => r.Key), g => Assert.True(g.Count() == 1, $"{g.Count()} responses with key {g.Key}"));
        var responseIds = responses.ToDictionary(r => r.Key, r => r.Id);
        var messageIds = messages.ToDictionary(m => m.Body, m => m.Id);
        var versionMarkers = versions.SelectMany(v => Marker().Matches(v.Snapshot).Select(m => m.Value)).ToHashSet();
        var lost = ledger.All.Where(w => w.Outcome == WriteOutcome.Acknowledged && !(w.Kind switch
        {
            WriteKind.Response => responseIds.TryGetValue(w.Marker, out var id) && id == w.Id,
            WriteKind.Message => messageIds.TryGetValue(w.Marker, out var id) && id == w.Id,
            _ => versionMarkers.Contains(w.Marker),
        })).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes lost: {string.Join(", ", lost.Take(10).Select(w => $"{w.Kind} {w.Marker} (round {w.Round})"))}");

        // Each unanswered submission sent again with its key is there once, under the id the retry was given.
        var retries = ledger.All.Where(w => w.Kind == WriteKind.Response && w.Outcome == WriteOutcome.Unacknowledged && w.Id is not null).ToList();
        Assert.All(retries, w => Assert.True(responseIds.TryGetValue(w.Marker, out var id) && id == w.Id, $"retried response {w.Marker} is not stored under {w.Id}"));

        // Whole or absent: each stored response has all its score rows (the same number for every PHQ-9) and its risk alert.
        var counts = observations.ToDictionary(o => o.ResponseId, o => o.Count);
        var expected = counts.Values.DefaultIfEmpty(0).Max();
        Assert.True(expected >= 1, "no score observations at all");
        Assert.All(responses, r => Assert.True(counts.GetValueOrDefault(r.Id) == expected, $"response {r.Id} has {counts.GetValueOrDefault(r.Id)} score rows, not {expected}"));
        Assert.All(responses.Where(r => r.Flags.Contains("risk", StringComparison.Ordinal)),
            r => Assert.True(alerts.Any(a => a.ResponseId == r.Id && a.Kind == AlertKind.Risk), $"response {r.Id} flags risk but has no risk alert"));

        // The audit rows match the data rows, both ways.
        AssertSameIds("MeasureResponse", responses.Select(r => r.Id), audit.Where(a => a.ObjectType == "MeasureResponse").Select(a => a.ObjectId));
        AssertSameIds("MeasureAlert", alerts.Select(a => a.Id), audit.Where(a => a.ObjectType == "MeasureAlert").Select(a => a.ObjectId));
        AssertSameIds("Message", messages.Select(m => m.Id), audit.Where(a => a.ObjectType == "Message").Select(a => a.ObjectId));
        foreach (var engagement in versions.Select(v => v.EngagementId).Concat(audit.Where(a => a.ObjectType == "Plan").Select(a => a.EngagementId!.Value)).Distinct())
        {
            var stored = versions.Count(v => v.EngagementId == engagement);
            var audited = audit.Count(a => a.ObjectType == "Plan" && a.EngagementId == engagement);
            Assert.True(stored == audited, $"engagement {engagement}: {stored} new plan versions but {audited} plan audit entries");
        }

        // A focus change is its proposal record and its plan version together, or neither.
        var proposalMarkers = proposals.SelectMany(p => Marker().Matches(p).Select(m => m.Value)).ToHashSet();
        Assert.True(proposalMarkers.SetEquals(versionMarkers),
            $"focus changes half-written: {proposalMarkers.Except(versionMarkers).Count()} proposals without their version, {versionMarkers.Except(proposalMarkers).Count()} versions without their proposal");

        return new CrashReport(ledger.All.Count(w => w.Outcome == WriteOutcome.Acknowledged), responses.Count, messages.Count, versions.Count, alerts.Count, audit.Count);
    }

    private static void AssertSameIds(string type, IEnumerable<Guid> rows, IEnumerable<string?> audited)
    {
        var rowIds = rows.Select(id => id.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var auditIds = audited.Select(id => id ?? "").ToList();
        var duplicates = auditIds.GroupBy(id => id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{type}: {duplicates.Count} rows with more than one create audit entry, e.g. {duplicates.FirstOrDefault()}");
        var unaudited = rowIds.Except(auditIds, StringComparer.OrdinalIgnoreCase).ToList();
        var orphaned = auditIds.Except(rowIds, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.True(unaudited.Count == 0, $"{type}: {unaudited.Count} rows without their create audit entry, e.g. {unaudited.FirstOrDefault()}");
        Assert.True(orphaned.Count == 0, $"{type}: {orphaned.Count} create audit entries without their row, e.g. {orphaned.FirstOrDefault()}");
    }
}
