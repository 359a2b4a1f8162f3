using System.Net;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Messages;
using Tandem.Features.Plans;
using Tandem.Features.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Export;

/// <summary>
/// Issue 9, acceptance 1 and 2: every demo engagement, exported by each of its participants,
/// is a FHIR R4 Bundle with no validation errors whose resource counts match what that person
/// may see in the database; private process notes and the other partner's personal records
/// never appear in any serialised export.
/// </summary>
public sealed class FhirExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async System.Threading.Tasks.Task Every_demo_engagement_exports_as_valid_fhir_for_each_participant_with_counts_matching_the_database()
    {
        await using var app = await TandemApp.StartAsync();
        var cases = await ParticipantsAsync(app);
        Assert.True(cases.Count >= 8, $"Expected the demo engagements with their participants, found {cases.Count}.");
        var clients = new Dictionary<string, HttpClient>();
        var checkedBundles = 0;
        var allWarnings = new HashSet<string>(StringComparer.Ordinal);
        (TimeSpan Elapsed, string What) slowest = (TimeSpan.Zero, "");
        foreach (var (engagementId, userId, email) in cases)
        {
            if (!clients.TryGetValue(email, out var client))
            {
                client = await app.ClientForAsync(email);
                clients[email] = client;
            }

            var expected = await ExpectedCountsAsync(app, engagementId, userId);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await client.GetAsync($"/api/engagements/{engagementId}/export/fhir", Ct);
            var json = await response.Content.ReadAsStringAsync(Ct);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest.Elapsed)
            {
                slowest = (elapsed, $"{email} exporting {engagementId}: {json.Length / 1024} KiB");
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{email}: {(int)response.StatusCode} {json}");
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);

            var bundle = FhirValidation.Parse(json);
            Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
            var (errors, warnings) = FhirValidation.Validate(bundle);
            foreach (var warning in warnings)
            {
                allWarnings.Add(warning);
            }

            Assert.True(errors.Count == 0, $"{email} exporting {engagementId}: {errors.Count} errors\n" + string.Join("\n", errors.Take(30)));

            var actual = bundle.Entry.GroupBy(e => e.Resource!.TypeName).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (type, count) in expected)
            {
                Assert.True(actual.GetValueOrDefault(type) == count, $"{email} exporting {engagementId}: {type} expected {count}, got {actual.GetValueOrDefault(type)}");
            }

            Assert.Empty(actual.Keys.Except(expected.Keys));
            checkedBundles++;
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        Assert.Equal(cases.Count, checkedBundles);
        TestContext.Current.TestOutputHelper?.WriteLine($"{checkedBundles} bundles valid; slowest export {slowest.Elapsed.TotalMilliseconds:F0} ms ({slowest.What}); distinct warnings: {allWarnings.Count}\n" + string.Join("\n", allWarnings.Take(10)));
    }

    [Fact]
    public async System.Threading.Tasks.Task No_export_holds_private_notes_or_the_other_partners_personal_records()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);

        // Fresh markers besides the demo's own records: a private process note by Morgan and a reflection by each partner.
        Guid sessionId = default;
        await app.WithDbAsync(async db => sessionId = (await db.Set<Session>().Where(x => x.EngagementId == couple && x.Status == SessionStatus.Completed).ToListAsync(Ct)).MaxBy(x => x.StartsAt)!.Id);
        using (var morganWrites = await app.ClientForAsync("morgan@riverside.test"))
        {
            using var put = await Sessions.SessionSteps.SendAsync(morganWrites, HttpMethod.Put, $"/api/sessions/{sessionId}/private-note", new { body = "PRIVATE-PROCESS-MARKER-5d1e My hunch about the couple." });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        foreach (var name in new[] { "riley", "avery" })
        {
            using var partner = await app.ClientForAsync(name + "@riverside.test");
            await partner.PostJsonAsync($"/api/sessions/{sessionId}/reflections", new { text = $"REFLECTION-MARKER-{name}-9b2c What I took away." }, HttpStatusCode.Created);
        }

        var privateNotes = new List<string>();
        var personal = new Dictionary<Guid, List<string>>();
        Guid riley = default, avery = default;
        await app.WithDbAsync(async db =>
        {
            privateNotes.AddRange(await db.Set<PrivateNote>().Select(n => n.Body).ToListAsync(Ct));
            riley = await db.Users.Where(u => u.Email == "riley@riverside.test").Select(u => u.Id).FirstAsync(Ct);
            avery = await db.Users.Where(u => u.Email == "avery@riverside.test").Select(u => u.Id).FirstAsync(Ct);
            foreach (var who in new[] { riley, avery })
            {
                var markers = new List<string>();
                var reflections = await db.Set<Reflection>().Where(r => r.EngagementId == couple && r.AuthorId == who).ToListAsync(Ct);
                markers.AddRange(reflections.Select(r => r.Text));
                markers.AddRange(reflections.Select(r => r.Id.ToString()));
                markers.AddRange((await db.Set<MeasureResponse>().Where(r => r.EngagementId == couple && r.RespondentId == who).Select(r => r.Id).ToListAsync(Ct)).Select(id => id.ToString()));
                markers.AddRange((await db.Set<ScoreObservation>().Where(o => o.EngagementId == couple && o.SubjectId == who).Select(o => o.Id).ToListAsync(Ct)).Select(id => id.ToString()));
                var thread = await db.Set<Message>().Where(m => m.EngagementId == couple && m.ThreadWith == who).ToListAsync(Ct);
                markers.AddRange(thread.Select(m => m.Body));
                markers.AddRange(thread.Select(m => m.Id.ToString()));
                personal[who] = markers;
            }
        });

        // Demo texts shared by both partners (the same theme) say nothing about whose record leaked: keep the unique ones.
        var shared = personal[riley].Intersect(personal[avery], StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        foreach (var markers in personal.Values)
        {
            markers.RemoveAll(shared.Contains);
        }

        Assert.Contains(privateNotes, n => n.StartsWith("PRIVATE-PROCESS-MARKER", StringComparison.Ordinal));
        Assert.Contains(personal[avery], m => m.StartsWith("REFLECTION-MARKER-avery", StringComparison.Ordinal));
        Assert.NotEmpty(privateNotes);
        Assert.NotEmpty(personal[riley]);
        Assert.NotEmpty(personal[avery]);
        Assert.Contains(personal[riley], m => m.Contains("just between us", StringComparison.Ordinal));

        var exports = new List<(string Who, Guid Of, string Json)>();
        foreach (var (email, id) in new[] { ("riley@riverside.test", riley), ("avery@riverside.test", avery), ("morgan@riverside.test", Guid.Empty) })
        {
            using var client = await app.ClientForAsync(email);
            exports.Add((email, id, Searchable(await ExportTextAsync(client, $"/api/engagements/{couple}/export/fhir"))));
            exports.Add((email + " (all)", id, Searchable(await ExportTextAsync(client, "/api/me/export/fhir"))));
        }

        foreach (var (who, of, json) in exports)
        {
            foreach (var note in privateNotes)
            {
                Assert.False(json.Contains(Marker(note), StringComparison.Ordinal), $"{who}: a private process note is in the export.");
            }

            foreach (var (owner, markers) in personal)
            {
                var mine = owner == of || of == Guid.Empty;
                foreach (var marker in markers)
                {
                    Assert.True(json.Contains(Marker(marker), StringComparison.Ordinal) == mine,
                        mine ? $"{who}: their own or (as therapist) a client's record is missing: {marker}" : $"{who}: the other partner's record is in the export: {marker}");
                }
            }
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task Outsiders_get_404_and_every_export_is_audited_as_a_read()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        foreach (var email in new[] { "sam@riverside.test", "alex@riverside.test", "admin@riverside.test", "lee@harbor.test" })
        {
            using var outsider = await app.ClientForAsync(email);
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfGetAsync($"/api/engagements/{couple}/export/fhir"));
        }

        using var anonymous = app.CreateAnonymousClient();
        Assert.NotEqual(HttpStatusCode.OK, await anonymous.StatusOfGetAsync($"/api/engagements/{couple}/export/fhir"));

        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var response = await riley.GetAsync($"/api/engagements/{couple}/export/fhir", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString() ?? "", StringComparison.Ordinal);
        await app.WithDbAsync(async db =>
        {
            var entry = await db.AuditEntries.Where(e => e.ObjectType == "FhirExport" && e.Outcome == AuditOutcome.Success).OrderByDescending(e => e.Id).FirstAsync(Ct);
            Assert.Equal(couple, entry.EngagementId);
            Assert.Equal(AuditAction.Read, entry.Action);
            Assert.Equal(AuditCategories.Clinical, entry.DataCategory);
            Assert.Equal(couple.ToString(), entry.ObjectId);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "FhirExport" && e.Outcome == AuditOutcome.Refused && e.EngagementId == couple, Ct));
        });

        // The caller's own export covers each of their engagements (Morgan: Casey's and the couple's).
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        var all = FhirValidation.Parse(await ExportTextAsync(morgan, "/api/me/export/fhir"));
        Assert.Equal(2, all.Entry.Count(e => e.Resource is CareTeam));
        var (errors, _) = FhirValidation.Validate(all);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    /// <summary>The first line of a text (up to 60 characters): enough to recognise it anywhere.</summary>
    private static string Marker(string text)
    {
        var firstLine = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? text;
        return firstLine.Length > 60 ? firstLine[..60] : firstLine;
    }

    /// <summary>
    /// The export as a reader would see it: the raw JSON, every string value unescaped, every
    /// attachment decoded from base64, and every narrative as plain text.
    /// </summary>
    private static string Searchable(string json)
    {
        var text = new System.Text.StringBuilder(json).Append('\n');
        void Walk(System.Text.Json.JsonElement element, string? name)
        {
            switch (element.ValueKind)
            {
                case System.Text.Json.JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, property.Name);
                    }

                    break;
                case System.Text.Json.JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, name);
                    }

                    break;
                case System.Text.Json.JsonValueKind.String:
                    var value = element.GetString() ?? "";
                    text.Append(value).Append('\n');
                    if (name == "data")
                    {
                        text.Append(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value))).Append('\n');
                    }
                    else if (name == "div")
                    {
                        text.Append(WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(value, "<[^>]+>", "\n"))).Append('\n');
                    }

                    break;
            }
        }

        using var document = System.Text.Json.JsonDocument.Parse(json);
        Walk(document.RootElement, null);
        return text.ToString();
    }

    private static async Task<string> ExportTextAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return text;
    }

    private static async Task<List<(Guid Engagement, Guid User, string Email)>> ParticipantsAsync(TandemApp app)
    {
        var list = new List<(Guid, Guid, string)>();
        await app.WithDbAsync(async db =>
        {
            var rows = await db.Participants.Where(p => p.LeftAt == null)
                .Join(db.Users, p => p.UserId, u => u.Id, (p, u) => new { p.EngagementId, p.UserId, u.Email })
                .ToListAsync(Ct);
            list.AddRange(rows.OrderBy(r => r.EngagementId).ThenBy(r => r.Email).Select(r => (r.EngagementId, r.UserId, r.Email!)));
        });
        return list;
    }

    /// <summary>What this person may see, counted straight from the database (the rules of CONVENTIONS.md and the access log).</summary>
    private static async Task<Dictionary<string, int>> ExpectedCountsAsync(TandemApp app, Guid engagementId, Guid viewer)
    {
        var counts = new Dictionary<string, int>();
        await app.WithDbAsync(async db =>
        {
            var participants = await db.Participants.Where(p => p.EngagementId == engagementId).ToListAsync(Ct);
            var therapist = participants.Any(p => p.UserId == viewer && p.LeftAt == null && p.Role == ParticipantRole.Therapist);
            var clientIds = participants.Where(p => p.Role == ParticipantRole.Client).Select(p => p.UserId).Distinct().ToList();
            var therapistIds = participants.Where(p => p.Role == ParticipantRole.Therapist).Select(p => p.UserId).Distinct().ToList();
            var plan = await db.Set<Plan>().Include(p => p.Goals).FirstOrDefaultAsync(p => p.EngagementId == engagementId, Ct);
            var responses = await db.Set<MeasureResponse>().Where(r => r.EngagementId == engagementId && (therapist || r.RespondentId == viewer)).ToListAsync(Ct);
            counts["Organization"] = 1;
            counts["Patient"] = clientIds.Count;
            counts["Practitioner"] = therapistIds.Count;
            counts["Group"] = clientIds.Count == 1 ? 0 : 1;
            counts["CareTeam"] = 1;
            counts["CarePlan"] = plan is null ? 0 : 1;
            counts["Goal"] = plan?.Goals.Count ?? 0;
            counts["Provenance"] = await db.Set<PlanVersion>().CountAsync(v => v.EngagementId == engagementId, Ct);
            var sessions = await db.Set<Session>().CountAsync(s => s.EngagementId == engagementId, Ct);
            counts["Appointment"] = sessions;
            counts["Encounter"] = sessions;
            counts["Composition"] = (await db.Set<SharedNote>().Where(n => n.EngagementId == engagementId).Select(n => n.Body).ToListAsync(Ct)).Count(b => !string.IsNullOrWhiteSpace(b));
            counts["DocumentReference"] = await db.Set<Reflection>().CountAsync(r => r.EngagementId == engagementId && (therapist || r.AuthorId == viewer), Ct);
            counts["QuestionnaireResponse"] = responses.Count;
            counts["Questionnaire"] = responses.Select(r => r.InstrumentId).Distinct().Count();
            counts["Observation"] = await db.Set<ScoreObservation>().CountAsync(o => o.EngagementId == engagementId && (therapist || o.SubjectId == viewer), Ct)
                + await db.Set<GoalRating>().CountAsync(g => g.EngagementId == engagementId, Ct);
            counts["Communication"] = await db.Set<Message>().CountAsync(m => m.EngagementId == engagementId && (therapist || m.ThreadWith == Guid.Empty || m.ThreadWith == viewer), Ct);
            counts["Consent"] = await db.AgreementSignatures.CountAsync(s => s.EngagementId == engagementId && clientIds.Contains(s.UserId), Ct);
            counts["AuditEvent"] = await db.AuditEntries.CountAsync(e => e.EngagementId == engagementId
                && (e.DataCategory == AuditCategories.Clinical || e.DataCategory == AuditCategories.Personal)
                && (therapist || e.SubjectUserId == null || e.SubjectUserId == viewer), Ct);
        });
        return counts.Where(c => c.Value > 0).ToDictionary();
    }
}
