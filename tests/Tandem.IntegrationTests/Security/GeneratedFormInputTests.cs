using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using CsCheck;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Security.Forms;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S3, generated, for the server-rendered page forms (GeneratedBadInputTests covers the JSON API).
/// The forms are found, not listed: every page endpoint that takes a POST is opened as anonymous (the public pages),
/// a client, the client's therapist, the practice admin and a partner in a couple, with its route ids filled with the
/// caller's own records (see <c>Candidates</c>) and through the links on those pages to the same pages (other ids, and
/// queries such as <c>?confirm=withdraw</c> that bring out a confirmation form). Every <c>&lt;form method=post&gt;</c> on
/// the answer is read with AngleSharp: form name (<c>_handler</c>), antiforgery token, each control with its type,
/// maxlength, min/max, required and options, the fields the passkey button's script adds, and honeypot fields (hidden
/// from people, so left empty when sensible).
///
/// The submissions (<see cref="FormPlan"/>, <see cref="BadFormSubmissions"/>): first a sweep, each field of each form
/// once with a huge value (every case of every field with <c>--full</c>); then CsCheck's draws, one field made bad (left
/// out, empty, whitespace, at maxlength and one past, huge, wrong-typed, boundary dates, extreme numbers, control
/// characters, NUL, lone surrogates, RTL override, emoji, a value that is not an option, duplicated) while the others
/// stay mostly sensible, so validation deeper in the handler is reached; and a third of the time the form as a whole
/// broken: unknown fields, a wrong, missing or second form name, broken encoding, too many fields, a 4 MiB value, the
/// wrong content type, no body. Half of the passkey forms' posts start the passkey ceremony first, as the script does.
/// A failure is thrown so that CsCheck shrinks it, and each failure names the caller, the page, the form and what was
/// sent in each field.
///
/// How an answer is judged:
/// <list type="bullet">
/// <item>Never a 5xx; never a stack trace or exception text in the body.</item>
/// <item>It is a 4xx, a 200 (the page again), or a redirect to a page of this site (which must render).</item>
/// <item>Refused (a 4xx, a 200 that shows a new error or validation message, or a redirect to a page that shows one):
/// nothing half-written. Every table but the audit trail (<c>AuditEntries</c>, the lists' members <c>AuditListReads</c>, <c>AuditChainHeads</c> and the reads' hourly counts, <c>AccessReadCounts</c>) has the same
/// number of rows and the same total length of its values afterwards, so an updated row shows too, not only an
/// inserted one (the mail dispatcher's bookkeeping columns, which change in the background, are left out).</item>
/// <item>Accepted (any other 200 or redirect) may write: the database must stay consistent instead. The page, and
/// at the end every page of the run, renders again without an error; the audit chain verifies
/// (<c>GET /api/practice/audit/verify</c> as the admin, every 25 accepted writes and at the end); no stored text is
/// longer than its column's declared limit, nor, in a column without one, 100,000 characters or more.</item>
/// </list>
/// Forms that would end the caller's session or change the account so that the run cannot go on are listed in
/// <see cref="NotFuzzed"/>, each with its reason. Posting without a valid antiforgery token is a test of its own.
/// </summary>
public sealed partial class GeneratedFormInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Tables a refused submission may write: its audit entry (and the chain head it moves).</summary>
    private static IReadOnlySet<string> AuditTables => DatabaseSnapshot.AuditTables;

    /// <summary>Columns the app changes in the background, whatever a request does: the mail dispatcher's bookkeeping on queued mail.</summary>
    private static readonly HashSet<string> BackgroundColumns =
    [
        "OutboxMessages.Attempts", "OutboxMessages.NextAttemptAt", "OutboxMessages.SentAt", "OutboxMessages.LastError", "OutboxMessages.ClaimedUntil", "OutboxMessages.ClaimedBy",
    ];

    /// <summary>Text that must never reach a browser.</summary>
    private static readonly string[] TraceMarkers = ["Exception", "   at Tandem.", "   at Microsoft.", "Microsoft.EntityFrameworkCore", "SqliteException", "Npgsql", "stack trace"];

    /// <summary>Who posts: the demo people of QUALITY.md's roles (null: anonymous).</summary>
    private static readonly (string Role, string? Email)[] Callers =
    [
        ("anonymous", null),
        ("client", "sam@riverside.test"),
        ("therapist", "alex@riverside.test"),
        ("practice admin", "admin@riverside.test"),
        ("couple partner", "riley@riverside.test"),
    ];

    /// <summary>
    /// Forms the suite does not post, matched by the path they post to (a pattern) and their form name ("*": any),
    /// each with its reason. Everything else that a page renders gets fuzzed.
    /// </summary>
    public static readonly (string Target, string Form, string Reason)[] NotFuzzed =
    [
        ("/Account/Logout", "*", "signs the caller out: every later submission of the run would be anonymous"),
        ("/Account/Manage/ChangePassword", "change-password", "a new password and security stamp end the person's other sessions and the run's own sign-in"),
        ("/Account/Manage/ResetAuthenticator", "reset-authenticator", "resets the authenticator key, turns two-factor sign-in off and signs the person out elsewhere"),
        ("/Account/Manage/Disable2fa", "disable-2fa", "turns two-step sign-in off (the demo people have none: the page sends them away)"),
        ("/Account/Manage/GenerateRecoveryCodes", "generate-recovery-codes", "replaces the person's recovery codes (only with two-factor sign-in on)"),
        ("/Account/Manage/RemovePasskey/{Id}", "remove-passkey", "removes one of the person's passkeys (the demo people have none: the page sends them away)"),
        ("/engagements/{Id}", "end", "ends the engagement for everyone, for good: the rest of the run would meet a closed record only"),
        ("/practice/people", "deactivate-{id}", "deactivates a person of the practice, which ends their sessions: the run's own callers are among them"),
        ("/Account/Manage/Sessions", "end-session", "ends one of the person's sign-in sessions: the run's own sign-ins are among them (SignInSessionTests posts it, bad ids included)"),
        ("/Account/Manage/Sessions", "end-other-sessions", "ends every other sign-in session of the person, the run's API sign-in among them"),
    ];

    /// <summary>POST endpoints outside /api that are not pages, so have no form to read, each with its reason.</summary>
    public static readonly (string Pattern, string Reason)[] NotForms =
    [
        ("/Account/Logout", "sign-out (the navigation's form posts to it; see NotFuzzed)"),
        ("/Account/PasskeyCreationOptions", "options for the passkey button's script, no form: called before half of the passkey forms' posts, as the script does"),
        ("/Account/PasskeyRequestOptions", "options for the passkey button's script, no form: called before half of the sign-in form's posts, as the script does"),
    ];

    [Fact]
    public async Task Generated_bad_submissions_to_every_page_form_never_fail_the_server_and_never_half_write()
    {
        var clock = Stopwatch.StartNew();
        await using var app = await TandemApp.StartAsync();
        var run = await FormRun.StartAsync(app);
        Assert.True(run.Forms.Count >= 25, $"only {run.Forms.Count} forms found:\n{run.Inventory()}");
        Assert.True(run.Pages.Count >= 15, $"only {run.Pages.Count} pages with forms found:\n{run.Inventory()}");
        TestContext.Current.TestOutputHelper?.WriteLine(run.Inventory());

        var tables = await TablesAsync(app);
        var lengthsBefore = await TextLengthsAsync(app);
        var failures = new List<string>();
        var answers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byForm = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int sent = 0, fivexx = 0, traces = 0, halfWritten = 0, accepted = 0;
        var iterations = Figures.FullMode ? 4_000 : 600;
        CsCheckException? shrunk = null;

        // One submission, judged; a problem is thrown so that CsCheck shrinks to the smallest plan that still fails.
        async Task SubmitAsync(FormPlan plan)
        {
            // The drawn form, or, when no page shows it any more (an invitation used, a proposal answered), the next one that does.
            var resolved = await run.ResolveAsync(plan.Form, plan.Seed);
            if (resolved is null)
            {
                return;
            }

            var (target, path, page, form) = resolved.Value;
            var submission = BadFormSubmissions.Build(form, plan, run.Handlers, app.Clock.GetUtcNow());
            var problems = new List<string>();
            if (form.Passkey is { } ceremony && plan.Seed % 2 == 0)
            {
                // As the passkey button's script does: options first, so the credential meets a ceremony under way.
                using var options = new HttpRequestMessage(HttpMethod.Post, ceremony.OptionsPath);
                options.Headers.TryAddWithoutValidation(ceremony.HeaderName, ceremony.HeaderValue);
                using var started = await target.Caller.Http.SendAsync(options, Ct);
                if ((int)started.StatusCode != 200)
                {
                    problems.Add($"{ceremony.OptionsPath} answered {(int)started.StatusCode}");
                }
            }

            var before = await FingerprintAsync(app, tables);
            using var request = new HttpRequestMessage(HttpMethod.Post, submission.Path) { Content = submission.Content };
            using var response = await target.Caller.Http.SendAsync(request, Ct);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(Ct);
            var after = await FingerprintAsync(app, tables);
            sent++;
            run.Posted.Add((target.Pattern, form.Kind));
            var label = $"{target.Caller.Role}: POST {submission.Path} {submission.Description}{(form.Passkey is not null && plan.Seed % 2 == 0 ? " (passkey ceremony started)" : "")} -> {status}";

            var location = response.Headers.Location;
            var refused = status >= 400;
            string? verdict = null;
            if (status >= 500)
            {
                fivexx++;
                problems.Add($"server error: {Shorten(body)}");
            }

            if (TraceMarkers.FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is { } marker)
            {
                traces++;
                problems.Add($"exception text in the answer ('{marker}'): {Around(body, marker)}");
            }

            if (status == 200)
            {
                var errors = PageErrors.NewIn(body, page.Errors);
                refused = errors.Count > 0;
                verdict = refused ? "200 with a message" : "200 without a new error";
            }
            else if (status is 301 or 302 or 303 or 307 or 308)
            {
                if (location is null || location.IsAbsoluteUri && location.Host != "localhost" || location.OriginalString.StartsWith("//", StringComparison.Ordinal) || location.OriginalString.StartsWith("/\\", StringComparison.Ordinal))
                {
                    problems.Add($"redirect off the site: {location}");
                }
                else
                {
                    // Where it leads shows whether it saved ("... is saved") or refused ("Error: ...").
                    var next = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
                    using var landing = await target.Caller.Http.GetAsync(next, Ct);
                    var landed = await landing.Content.ReadAsStringAsync(Ct);
                    if ((int)landing.StatusCode >= 500 || TraceMarkers.Any(m => landed.Contains(m, StringComparison.Ordinal)))
                    {
                        problems.Add($"the page it redirects to ({next}) fails: {(int)landing.StatusCode} {Shorten(landed)}");
                    }

                    refused = PageErrors.NewIn(landed, new HashSet<string>()).Count > 0;
                    verdict = refused ? "redirect to a message" : "redirect";
                }
            }
            else if (status < 400)
            {
                problems.Add($"unexpected status {status}");
            }

            verdict ??= status.ToString(CultureInfo.InvariantCulture);
            var changed = after.Where(t => !AuditTables.Contains(t.Key) && before[t.Key] != t.Value)
                .Select(t => $"{t.Key} {before[t.Key].Rows} rows/{before[t.Key].Length} chars -> {t.Value.Rows}/{t.Value.Length}").ToList();
            answers[verdict] = answers.GetValueOrDefault(verdict) + 1;
            var tally = $"{target.Pattern} '{form.Kind}': {verdict}{(changed.Count > 0 ? ", wrote" : "")}";
            byForm[tally] = byForm.GetValueOrDefault(tally) + 1;
            // The one write a refusal must make (issue 18): a refused questionnaire that carried a risk answer still raises the
            // risk alert and its email, and the page shows the crisis information. Anything else written on a refusal is half-written.
            var changedTables = after.Where(t => !AuditTables.Contains(t.Key) && before[t.Key] != t.Value).Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
            var riskStillAlerted = status == 200 && body.Contains("You are not alone with this", StringComparison.Ordinal)
                && changedTables.IsSubsetOf(["MeasureAlerts", "OutboxMessages"]);
            if (refused && changed.Count > 0 && !riskStillAlerted)
            {
                halfWritten++;
                problems.Add($"refused, yet wrote {string.Join(", ", changed)}");
            }

            if (!refused && changed.Count > 0)
            {
                // Accepted: the forms may have changed (a pause shows resume); the page must still render.
                accepted++;
                run.Stale(target.Caller);
                if (accepted % 25 == 0 && await run.AuditProblemAsync() is { } audit)
                {
                    problems.Add($"after this accepted write: {audit}");
                }
            }
            else if (status != 200)
            {
                run.Stale(target.Caller, path);
            }

            if (problems.Count > 0)
            {
                var failure = $"{label}: {string.Join("; ", problems)}";
                failures.Add(failure);
                TestContext.Current.TestOutputHelper?.WriteLine(failure);
                // Thrown so that CsCheck shrinks to the smallest plan that still fails.
                throw new FormFuzzFailure(failure);
            }
        }

        async Task JudgedAsync(FormPlan plan)
        {
            try
            {
                await SubmitAsync(plan);
            }
            catch (Exception e) when (e is not FormFuzzFailure)
            {
                // The suite's own trouble (a timeout, an answer it could not read) is reported, not swallowed by the shrinking.
                var failure = $"{plan}: the submission could not be judged: {e}";
                failures.Add(failure);
                throw new FormFuzzFailure(failure);
            }
        }

        // First a sweep, so that no field is left to chance: each field of each form once with a huge value (in full mode,
        // with every case), the other fields sensible. Then CsCheck's draws.
        var sweep = Enumerable.Range(0, run.FormKinds.Count)
            .SelectMany(f => Enumerable.Range(0, Math.Max(1, run.FieldCounts[run.FormKinds[f]])).Select(field => (f, field)))
            .SelectMany(p => (Figures.FullMode ? Enumerable.Range(1, (int)FieldMutation.Duplicated) : [(int)FieldMutation.Huge])
                .Select(bad => new FormPlan(p.f, p.field, bad, [], 0, (p.field * 31) + bad + p.f)))
            .ToList();
        foreach (var plan in sweep)
        {
            try
            {
                await JudgedAsync(plan);
            }
            catch (FormFuzzFailure)
            {
                // Listed in failures.
            }
        }

        var swept = sent;
        try
        {
            await FormPlan.Generator.SampleAsync(async plan =>
            {
                await JudgedAsync(plan);
            }, iter: iterations, threads: 1, print: p => p.ToString());
        }
        catch (CsCheckException ex)
        {
            shrunk = ex;
        }

        // The whole run: every page still renders for its caller, the audit chain verifies, stored text within its limits.
        var final = new List<string>();
        final.AddRange(await run.RenderAllAsync());
        if (await run.AuditProblemAsync() is { } auditAtEnd)
        {
            final.Add(auditAtEnd);
        }

        final.AddRange(await OversizedTextAsync(app, lengthsBefore));

        // No form stored an enum value that is not one of its names (a "999" for a select bound to an enum).
        final.AddRange(await StoredEnums.UndefinedAsync(app));

        var figure = $"bad input (forms): {sent} submissions to {run.Posted.Count} forms on {run.Posted.Select(p => p.Pattern).Distinct().Count()} pages, {fivexx} 5xx, {traces} stack traces, {halfWritten} half-written";
        var summary = $"{figure} ({swept} of them the sweep; {clock.Elapsed.TotalSeconds:0} s, provider {TestEnvironment.Provider}; answers: {string.Join(", ", answers.Select(a => $"{a.Value}x {a.Key}"))}; {accepted} accepted writes)";
        Console.WriteLine(summary);
        TestContext.Current.TestOutputHelper?.WriteLine(summary + "\nAnswers by form:\n" + string.Join('\n', byForm.Select(f => $"  {f.Value,4} x {f.Key}")));
        Assert.True(failures.Count == 0 && final.Count == 0 && shrunk is null,
            $"{failures.Count} of {sent} submissions failed, {final.Count} problems after the run.\n"
            + (shrunk is null ? "" : $"Smallest failing case CsCheck found ({shrunk.Message.ReplaceLineEndings(" ")}):\n{shrunk.InnerException?.Message}\n\n")
            + "Failures, grouped by form (count, first example):\n" + string.Join('\n', Grouped(failures)) + "\n"
            + string.Join('\n', final));
        Assert.True(sent - swept >= iterations * 9 / 10, $"only {sent - swept} of {iterations} draws reached a form");
        var missed = run.Forms.Except(run.Posted).ToList();
        Assert.True(missed.Count <= run.Forms.Count / 10, $"forms found but never posted: {string.Join(", ", missed)}");
        Figures.Print(figure);
    }

    [Fact]
    public async Task Every_page_form_posted_without_a_valid_antiforgery_token_gets_400_and_writes_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var run = await FormRun.StartAsync(app);
        var tables = await TablesAsync(app);
        var failures = new List<string>();
        var sent = 0;
        var random = new Random(42);
        foreach (var target in run.Targets)
        {
            foreach (var path in target.Paths)
            {
                var page = await run.FormsOfAsync(target, path);
                foreach (var form in page.Forms.DistinctBy(f => f.Kind))
                {
                    // Missing, made up, and a real token of another person's session.
                    var others = run.Tokens.Where(t => t.Caller != target.Caller).Select(t => t.Token).ToList();
                    foreach (var (what, token) in new[] { ("no token", null), ("a made-up token", "CfDJ8" + new string('A', 150)), ("another session's token", others.Count > 0 ? others[random.Next(others.Count)] : "x") })
                    {
                        var before = await FingerprintAsync(app, tables);
                        var fields = form.Fields.SelectMany(f => BadFormSubmissions.Sensible(f, random, app.Clock.GetUtcNow()) is { } v && f.Kind != "file" ? new[] { (f.Name, v) } : []).ToList();
                        if (form.Handler is not null)
                        {
                            fields.Insert(0, (HtmlForms.HandlerField, form.Handler));
                        }

                        if (token is not null)
                        {
                            fields.Add((HtmlForms.TokenField, token));
                        }

                        using var content = new StringContent(BadFormSubmissions.UrlEncoded(fields), System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
                        using var response = await target.Caller.Http.PostAsync(form.Action, content, Ct);
                        sent++;
                        var body = await response.Content.ReadAsStringAsync(Ct);
                        var after = await FingerprintAsync(app, tables);
                        var changed = after.Where(t => !AuditTables.Contains(t.Key) && before[t.Key] != t.Value).Select(t => t.Key).ToList();
                        if (response.StatusCode != HttpStatusCode.BadRequest || changed.Count > 0 || TraceMarkers.Any(m => body.Contains(m, StringComparison.Ordinal)))
                        {
                            failures.Add($"{target.Caller.Role}: POST {form.Action} form '{form.Handler}' with {what} -> {(int)response.StatusCode}{(changed.Count > 0 ? ", wrote " + string.Join(", ", changed) : "")}: {Shorten(body)}");
                        }
                    }
                }
            }
        }

        Assert.True(sent > 60, $"only {sent} posts");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} posts without a valid antiforgery token were not refused with 400:\n{string.Join('\n', failures.Take(30))}");
        Figures.Print($"bad input (forms, antiforgery): {sent} posts without a valid token to {run.Forms.Count} forms, all 400, 0 written");
    }

    private static IEnumerable<string> Grouped(List<string> failures) =>
        failures.GroupBy(f => FoldPattern().Replace(f.Split(" (form ")[0], "{id}"))
            .OrderByDescending(g => g.Count())
            .Take(20)
            .Select(g => $"{g.Count(),4} x {g.Key}\n       e.g. {g.First()}");

    private static string Shorten(string text) => text.Length <= 300 ? text : $"{text[..300]}... ({text.Length:N0} chars)";

    private static string Around(string text, string marker)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        var from = Math.Max(0, at - 200);
        return text[from..Math.Min(text.Length, at + 300)].ReplaceLineEndings(" ");
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")]
    private static partial Regex FoldPattern();

    private static async Task<List<(string Table, string[] Columns)>> TablesAsync(TandemApp app)
    {
        List<(string, string[])> tables = [];
        await app.WithDbAsync(db =>
        {
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null).GroupBy(e => e.GetTableName()!))
            {
                var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.Key, entity.First().GetSchema());
                var columns = entity.SelectMany(e => e.GetProperties()).Select(p => p.GetColumnName(store)).OfType<string>()
                    .Where(c => !BackgroundColumns.Contains($"{entity.Key}.{c}")).Distinct().Order(StringComparer.Ordinal).ToArray();
                tables.Add((entity.Key, columns));
            }

            return Task.CompletedTask;
        });
        return tables.OrderBy(t => t.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>Per table: its rows and the total length of all its values, in one statement (audit tables: rows only).</summary>
    private static async Task<Dictionary<string, (long Rows, long Length)>> FingerprintAsync(TandemApp app, List<(string Table, string[] Columns)> tables)
    {
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        await app.WithDbAsync(async db =>
        {
            // Raw SQL sees what the app stored, past row-level security.
            await using var connection = await app.OpenRawConnectionAsync();
            await using var command = connection.CreateCommand();
            var parts = tables.Select(t =>
            {
                var length = AuditTables.Contains(t.Table) || t.Columns.Length == 0
                    ? "0"
                    : "COALESCE(SUM(" + string.Join(" + ", t.Columns.Select(c => $"COALESCE(LENGTH(CAST(\"{c}\" AS TEXT)), 0)")) + "), 0)";
                return $"SELECT '{t.Table}', COUNT(*), {length} FROM \"{t.Table}\"";
            });
#pragma warning disable CA2100 // table and column names come from the app's own model
            command.CommandText = string.Join(" UNION ALL ", parts);
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                result[reader.GetString(0)] = (Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
            }
        });
        return result;
    }

    /// <summary>The longest stored value of every text column, with its declared limit (null: none).</summary>
    private static async Task<Dictionary<string, (long Longest, int? Limit)>> TextLengthsAsync(TandemApp app)
    {
        var result = new Dictionary<string, (long, int?)>(StringComparer.Ordinal);
        await app.WithDbAsync(async db =>
        {
            var columns = new List<(string Key, string Sql, int? Limit)>();
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null))
            {
                var table = entity.GetTableName()!;
                var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, entity.GetSchema());
                foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(string)))
                {
                    if (property.GetColumnName(store) is { } column)
                    {
                        columns.Add(($"{table}.{column}", $"SELECT '{table}.{column}', COALESCE(MAX(LENGTH(\"{column}\")), 0) FROM \"{table}\"", property.GetMaxLength()));
                    }
                }
            }

            var limits = columns.DistinctBy(c => c.Key).ToDictionary(c => c.Key, c => c.Limit, StringComparer.Ordinal);
            // Raw SQL sees what the app stored, past row-level security.
            await using var connection = await app.OpenRawConnectionAsync();
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table and column names come from the app's own model
            command.CommandText = string.Join(" UNION ALL ", columns.DistinctBy(c => c.Key).Select(c => c.Sql));
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                var key = reader.GetString(0);
                result[key] = (Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), limits[key]);
            }
        });
        return result;
    }

    /// <summary>Text stored past its column's limit, or, in a column without one, a new value of 100,000 characters or more.</summary>
    private static async Task<List<string>> OversizedTextAsync(TandemApp app, Dictionary<string, (long Longest, int? Limit)> before)
    {
        var after = await TextLengthsAsync(app);
        var problems = new List<string>();
        foreach (var (column, (longest, limit)) in after)
        {
            if (limit is { } max && longest > max)
            {
                problems.Add($"{column} holds {longest:N0} characters, past its limit of {max:N0}");
            }
            else if (limit is null && longest >= 100_000 && longest > before.GetValueOrDefault(column).Longest)
            {
                problems.Add($"{column} (no limit) now holds {longest:N0} characters");
            }
        }

        return problems;
    }

    /// <summary>Error and validation messages of a page: alerts, validation messages, error notices.</summary>
    private static class PageErrors
    {
        private static readonly HtmlParser Parser = new();

        public static HashSet<string> Of(string html)
        {
            using var document = Parser.ParseDocument(html);
            // Not [role=alert] as such: the account pages' success message and the questionnaire's crisis box carry it too.
            return document.QuerySelectorAll(".validation-message, .validation-errors, .notice.error, .alert-danger, .text-danger, .field-error, .has-error, [aria-invalid=true]")
                .Select(e => e.GetAttribute("aria-invalid") == "true" ? "invalid:" + e.GetAttribute("name") : e.TextContent.Trim())
                .Where(t => t.Length > 0)
                .ToHashSet(StringComparer.Ordinal);
        }

        /// <summary>Messages on the answer that the page did not show before the post.</summary>
        public static HashSet<string> NewIn(string html, IReadOnlySet<string> before) =>
            Of(html).Where(e => !before.Contains(e)).ToHashSet(StringComparer.Ordinal);
    }

    private sealed class FormFuzzFailure(string message) : Exception(message);

    /// <summary>A signed-in (cookie) or anonymous browser of one role.</summary>
    private sealed class Caller
    {
        public required string Role { get; init; }

        public required Person? Person { get; init; }

        public required HttpClient Http { get; init; }

        public Guid? Engagement { get; init; }

        public override string ToString() => Role;
    }

    /// <summary>The pages of one pattern one caller may open, with the paths to them.</summary>
    private sealed record Target(Caller Caller, string Pattern, List<string> Paths);

    /// <summary>A page's forms as last read, and the messages it showed then.</summary>
    private sealed record PageState(IReadOnlyList<PageForm> Forms, IReadOnlySet<string> Errors);

    /// <summary>The callers, their pages and forms, found once per test.</summary>
    private sealed class FormRun
    {
        private readonly Dictionary<(Caller, string), PageState> _pages = [];

        public List<Caller> CallerList { get; } = [];

        public List<Target> Targets { get; } = [];

        /// <summary>(page pattern, form) pairs found, and those posted to.</summary>
        public HashSet<(string Pattern, string Form)> Forms { get; } = [];

        /// <summary>The forms found, in a fixed order, for plans to draw from.</summary>
        public List<(string Pattern, string Form)> FormKinds { get; } = [];

        /// <summary>How many fields each form has (as first seen).</summary>
        public Dictionary<(string Pattern, string Form), int> FieldCounts { get; } = [];

        public HashSet<(string Pattern, string Form)> Posted { get; } = [];

        public HashSet<string> Pages => Forms.Select(f => f.Pattern).ToHashSet(StringComparer.Ordinal);

        public List<string> Handlers { get; } = [];

        public List<(Caller Caller, string Token)> Tokens { get; } = [];

        private readonly List<string> _skipped = [];
        private readonly Lock _gate = new();
        private TimeSpan _discovery;
        private readonly List<string> _notOpened = [];

        public static async Task<FormRun> StartAsync(TandemApp app)
        {
            var run = new FormRun();
            var clock = Stopwatch.StartNew();
            var (tokens, listings) = await SetUpAsync(app);
            var index = await RecordIndex.LoadAsync(app);
            run.CallerList.AddRange(await Task.WhenAll(Callers.Select(async c =>
            {
                var http = app.CreateAnonymousClient();
                Person? person = null;
                if (c.Email is not null)
                {
                    using var signIn = await PageForms.SignInAsync(http, c.Email);
                    Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"signing in {c.Email} answered {(int)signIn.StatusCode}");
                    person = index.Person(c.Email);
                }

                var own = person is null ? null : index.OfType("Engagement").Select(e => e.Id).Where(e => index.IsParticipant(person.Id, e))
                    .OrderBy(e => e == index.EngagementOfClient("sam@riverside.test") ? 0 : 1).ThenBy(e => e).Cast<Guid?>().FirstOrDefault();
                return new Caller { Role = c.Role, Person = person, Http = http, Engagement = own };
            })));

            var endpoints = EndpointInfo.All(app.Services).Where(e => !e.IsApi && e.Method == "POST" && !MatrixRoutes.IsOutOfScope(e)).ToList();
            var pages = endpoints.Where(e => e.Endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).ToList();
            var others = endpoints.Except(pages).Select(e => e.Pattern).Where(p => !NotForms.Any(n => n.Pattern == p)).ToList();
            Assert.True(others.Count == 0, "POST endpoints outside /api that are neither pages nor listed in NotForms: " + string.Join(", ", others));
            var unknown = pages.SelectMany(e => MatrixRoutes.Parameters(e.Pattern).Where(p => MatrixRoutes.TypeOf(e.Pattern, p.Name, p.Before) is null).Select(p => $"{{{p.Name}}} in {e.Pattern}")).ToList();
            Assert.True(unknown.Count == 0, "Route parameters the suite cannot fill (add them to MatrixRoutes.TypeOf and Candidates): " + string.Join(", ", unknown));

            // Each caller's browser on its own, all at once.
            await Task.WhenAll(run.CallerList.Select(async caller =>
            {
                // 1. Every page the caller's role can reach (anonymous: the public ones), with the caller's own records in the route.
                var links = new HashSet<string>(StringComparer.Ordinal);
                var reachable = pages.Where(p => caller.Person is not null || p.AllowsAnonymous || p.Authorize.Count == 0).ToList();
                foreach (var page in reachable)
                {
                    foreach (var path in Paths(page.Pattern, caller, index, tokens, listings))
                    {
                        await run.OpenAsync(caller, page.Pattern, path, links);
                    }
                }

                // 2. Links on those pages to the same pages with a query (?confirm=withdraw, ?one=true: forms behind a confirmation)
                // and, for pages that showed this caller a form or whose ids no record of the caller's could fill, with other ids.
                foreach (var page in reachable)
                {
                    var pattern = PatternRegex(page.Pattern);
                    var known = run.PathsOf(caller, page.Pattern);
                    var otherIds = known.Count > 0 || !Paths(page.Pattern, caller, index, tokens, listings).Any();
                    var extra = links.Where(l => pattern.IsMatch(l) && !known.Contains(l) && (otherIds || l.Contains('?', StringComparison.Ordinal)))
                        .OrderByDescending(l => l.Contains('?', StringComparison.Ordinal)).ThenBy(l => l, StringComparer.Ordinal).Take(Math.Max(0, 4 - known.Count)).ToList();
                    foreach (var path in extra)
                    {
                        await run.OpenAsync(caller, page.Pattern, path, null);
                    }
                }
            }));

            // In a fixed order, so that a plan names the same form, caller and page in every run (as far as the run's own writes allow).
            run.Targets.Sort((a, b) => string.CompareOrdinal($"{a.Pattern} {a.Caller.Role}", $"{b.Pattern} {b.Caller.Role}"));
            foreach (var target in run.Targets)
            {
                target.Paths.Sort(StringComparer.Ordinal);
            }

            run.FormKinds.AddRange(run.Forms.OrderBy(f => f.Pattern, StringComparer.Ordinal).ThenBy(f => f.Form, StringComparer.Ordinal));
            run._discovery = clock.Elapsed;
            run.Handlers.AddRange(run._pages.Values.SelectMany(p => p.Forms).Select(f => f.Handler).OfType<string>().Distinct().Order(StringComparer.Ordinal));
            return run;
        }

        private List<string> PathsOf(Caller caller, string pattern)
        {
            lock (_gate)
            {
                return [.. Targets.FirstOrDefault(t => t.Caller == caller && t.Pattern == pattern)?.Paths ?? []];
            }
        }

        /// <summary>GET a page as a caller; keep it as a target when it shows a form the suite posts.</summary>
        private async Task OpenAsync(Caller caller, string pattern, string path, HashSet<string>? links)
        {
            var (status, html) = await GetAsync(caller, path);
            Assert.True(status < 500 && !TraceMarkers.Any(m => html.Contains(m, StringComparison.Ordinal)), $"{caller.Role}: GET {path} -> {status}: {Shorten(html)}");
            if (status != 200)
            {
                lock (_gate)
                {
                    _notOpened.Add($"{caller.Role}: {path} -> {status}");
                }

                return;
            }

            if (links is not null)
            {
                using var document = new HtmlParser().ParseDocument(html);
                foreach (var a in document.QuerySelectorAll("a[href]"))
                {
                    var href = a.GetAttribute("href")!;
                    if (Uri.TryCreate(new Uri("https://localhost/"), href, out var uri) && uri.Host == "localhost")
                    {
                        links.Add(uri.PathAndQuery);
                    }
                }
            }

            var forms = Postable(HtmlForms.Parse(html, path));
            if (forms.Count == 0)
            {
                return;
            }

            var errors = PageErrors.Of(html);
            lock (_gate)
            {
                Remember(caller, pattern, path, forms, errors);
            }
        }

        private void Remember(Caller caller, string pattern, string path, List<PageForm> forms, HashSet<string> errors)
        {
            _pages[(caller, path)] = new PageState(forms, errors);
            var target = Targets.FirstOrDefault(t => t.Caller == caller && t.Pattern == pattern);
            if (target is null)
            {
                Targets.Add(new Target(caller, pattern, [path]));
            }
            else if (!target.Paths.Contains(path))
            {
                target.Paths.Add(path);
            }

            foreach (var form in forms)
            {
                Forms.Add((pattern, form.Kind));
                FieldCounts.TryAdd((pattern, form.Kind), form.Fields.Count);
                if (form.Token is not null && !Tokens.Contains((caller, form.Token)))
                {
                    Tokens.Add((caller, form.Token));
                }
            }
        }

        /// <summary>The forms of a page the suite posts to: all but <see cref="NotFuzzed"/>.</summary>
        private List<PageForm> Postable(IReadOnlyList<PageForm> forms)
        {
            var result = new List<PageForm>();
            foreach (var form in forms)
            {
                var action = form.Action.Split('?')[0];
                var skip = NotFuzzed.FirstOrDefault(n => PatternRegex(n.Target).IsMatch(action) && (n.Form == "*" || n.Form == form.Kind));
                if (skip.Target is not null)
                {
                    var note = $"{skip.Target} '{form.Kind}' ({skip.Reason})";
                    lock (_gate)
                    {
                        if (!_skipped.Contains(note))
                        {
                            _skipped.Add(note);
                        }
                    }

                    continue;
                }

                result.Add(form);
            }

            return result;
        }

        /// <summary>
        /// The form numbered <paramref name="form"/> (of <see cref="FormKinds"/>, in the order found), on one of the pages
        /// and callers that show it (chosen by <paramref name="seed"/>); when none shows it now, the next form that is shown.
        /// </summary>
        public async Task<(Target Target, string Path, PageState Page, PageForm Form)?> ResolveAsync(int form, int seed)
        {
            for (var next = 0; next < FormKinds.Count; next++)
            {
                var (pattern, kind) = FormKinds[(form + next) % FormKinds.Count];
                var targets = Targets.Where(t => t.Pattern == pattern).ToList();
                for (var t = 0; t < targets.Count; t++)
                {
                    var target = targets[(seed + t) % targets.Count];
                    for (var p = 0; p < target.Paths.Count; p++)
                    {
                        var path = target.Paths[((seed / 7) + p) % target.Paths.Count];
                        var page = await FormsOfAsync(target, path);
                        var shown = page.Forms.Where(f => f.Kind == kind).ToList();
                        if (shown.Count > 0)
                        {
                            return (target, path, page, shown[seed % shown.Count]);
                        }
                    }
                }
            }

            return null;
        }

        public async Task<PageState> FormsOfAsync(Target target, string path)
        {
            if (_pages.TryGetValue((target.Caller, path), out var known))
            {
                return known;
            }

            var (status, html) = await GetAsync(target.Caller, path);
            var page = new PageState(status == 200 ? Postable(HtmlForms.Parse(html, path)) : [], status == 200 ? PageErrors.Of(html) : new HashSet<string>());
            _pages[(target.Caller, path)] = page;
            foreach (var form in page.Forms)
            {
                // A form that shows only in some states (resume once paused, sign once withdrawn) joins the draw when first seen.
                if (Forms.Add((target.Pattern, form.Kind)))
                {
                    FormKinds.Add((target.Pattern, form.Kind));
                    FieldCounts.TryAdd((target.Pattern, form.Kind), form.Fields.Count);
                }
            }

            return page;
        }

        /// <summary>Forget what a caller's pages showed (after a write, their forms may differ).</summary>
        public void Stale(Caller caller, string? path = null)
        {
            foreach (var key in _pages.Keys.Where(k => k.Item1 == caller && (path is null || k.Item2 == path)).ToList())
            {
                _pages.Remove(key);
            }
        }

        private static async Task<(int Status, string Html)> GetAsync(Caller caller, string path)
        {
            using var response = await caller.Http.GetAsync(path, Ct);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }

        /// <summary>Every page of the run again, as its caller: what the fuzz saved must render.</summary>
        public async Task<List<string>> RenderAllAsync()
        {
            var problems = new List<string>();
            foreach (var target in Targets)
            {
                foreach (var path in target.Paths)
                {
                    var (status, html) = await GetAsync(target.Caller, path);
                    if (status >= 500 || TraceMarkers.Any(m => html.Contains(m, StringComparison.Ordinal)))
                    {
                        problems.Add($"after the run, {target.Caller.Role}: GET {path} -> {status}: {Shorten(html)}");
                    }
                }
            }

            return problems;
        }

        /// <summary>Null when the practice's audit chain verifies, else what is wrong.</summary>
        public async Task<string?> AuditProblemAsync()
        {
            var admin = CallerList.Single(c => c.Person?.IsAdmin == true);
            using var response = await admin.Http.GetAsync("/api/practice/audit/verify", Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"audit verification answered {(int)response.StatusCode}: {Shorten(body)}";
            }

            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("ok").GetBoolean() ? null : $"the audit chain no longer verifies: {Shorten(body)}";
        }

        public string Inventory()
        {
            var lines = new List<string> { $"{Forms.Count} forms on {Pages.Count} pages, {Targets.Count} (caller, page) targets:" };
            foreach (var target in Targets.OrderBy(t => t.Pattern, StringComparer.Ordinal))
            {
                var forms = target.Paths.SelectMany(p => _pages.TryGetValue((target.Caller, p), out var s) ? s.Forms : []).Select(f => f.Kind).Distinct();
                lines.Add($"  {target.Pattern} as {target.Caller.Role} ({target.Paths.Count} paths): {string.Join(", ", forms)}");
                lines.AddRange(target.Paths.SelectMany(p => _pages.TryGetValue((target.Caller, p), out var s) ? s.Forms : []).DistinctBy(f => f.Kind).Select(f => "      " + f));
            }

            lines.Add("Not fuzzed:");
            lines.AddRange(_skipped.Select(s => "  " + s));
            lines.Add($"Pages a caller could not open: {_notOpened.Count}; setup and discovery took {_discovery.TotalSeconds:0.0} s");
            lines.AddRange(_notOpened.Order(StringComparer.Ordinal).Select(s => "  " + s));
            return string.Join('\n', lines);
        }

        /// <summary>The paths to a page for a caller: its route ids filled with the caller's own records.</summary>
        private static IEnumerable<string> Paths(string pattern, Caller caller, RecordIndex index, IReadOnlyList<string> tokens, IReadOnlyList<string> listings)
        {
            var paths = new List<string> { pattern };
            foreach (var (name, before, _) in MatrixRoutes.Parameters(pattern))
            {
                var type = MatrixRoutes.TypeOf(pattern, name, before)!;
                var values = Candidates(type, pattern, caller, index, tokens, listings);
                var parameter = ParameterRegex(name);
                paths = paths.SelectMany(p => values.Select(v => parameter.Replace(p, Uri.EscapeDataString(v), 1))).ToList();
            }

            return paths.Take(4);
        }

        /// <summary>
        /// The caller's own records of a type: their engagement (the first of a therapist's is Sam's); of its
        /// sessions one per status; the first-conversation requests addressed to them, one per status; their
        /// practice's imported instruments; two listings of the directory; for invitation pages, real unused
        /// invitations (made at the start), for passkeys a made-up id. Questionnaire keys come from the pages' links.
        /// </summary>
        private static List<string> Candidates(string type, string pattern, Caller caller, RecordIndex index, IReadOnlyList<string> tokens, IReadOnlyList<string> listings)
        {
            var engagement = caller.Engagement;
            var person = caller.Person;
            IEnumerable<RecordInfo> OnePerStatus(IEnumerable<RecordInfo> records) =>
                records.OrderByDescending(r => r.Values.GetValueOrDefault("StartsAt") as DateTimeOffset?).ThenBy(r => r.Id)
                    .GroupBy(r => Convert.ToString(r.Values.GetValueOrDefault("Status"), CultureInfo.InvariantCulture)).Select(g => g.First()).Take(3);
            return type switch
            {
                "Engagement" => engagement is { } e ? [e.ToString()] : [],
                "Session" => engagement is { } e ? OnePerStatus(index.OfType("Session").Where(s => s.EngagementId == e)).Select(s => s.Id.ToString()).ToList() : [],
                "FirstConversationRequest" => person is null ? [] : OnePerStatus(index.OfType("FirstConversationRequest").Where(r => r.GuidOf("TherapistId") == person.Id)).Select(r => r.Id.ToString()).ToList(),
                "PracticeInstrument" => person is null ? [] : index.OfType("PracticeInstrument").Where(r => r.PracticeId == person.PracticeId).Take(2).Select(r => r.Id.ToString()).ToList(),
                "Therapist" => [.. listings.Take(2)],
                "Secret" when pattern.StartsWith("/invitations", StringComparison.Ordinal) => [.. tokens],
                "Secret" => [Guid.NewGuid().ToString("N")],
                _ => [],
            };
        }

        /// <summary>
        /// Records the demo lacks, made through the API: a first-conversation request to every listed therapist (for the
        /// request page's forms), an imported instrument waiting to be enabled (for its page's forms), and unused
        /// invitations to open the accept page with: two to a new engagement of Alex's, one for a therapist from the admin.
        /// Returns the invitations' tokens and the directory's listings.
        /// </summary>
        private static async Task<(List<string> Tokens, List<string> Listings)> SetUpAsync(TandemApp app)
        {
            var listings = new List<string>();
            using (var anonymous = app.CreateAnonymousClient())
            {
                foreach (var listing in (await anonymous.GetJsonAsync("/api/directory")).EnumerateArray())
                {
                    listings.Add(listing.Id().ToString());
                    await anonymous.PostJsonAsync("/api/directory/requests", GettingStarted.DirectorySteps.Valid(listing.Id()), HttpStatusCode.Created);
                }
            }

            using var alex = await app.ClientForAsync("alex@riverside.test");
            using var admin = await app.ClientForAsync("admin@riverside.test");
            using (var questionnaire = new StringContent(SampleQuestionnaires.MoodCheck(), System.Text.Encoding.UTF8, "application/fhir+json"))
            {
                using var uploaded = await admin.PostAsync("/api/practice/instruments?key=fuzz-mood", questionnaire, Ct);
                Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync(Ct));
            }

            var engagement = await alex.PostJsonAsync("/api/engagements", new { title = "Form fuzz", format = "ClientLed" }, HttpStatusCode.Created);
            var urls = new List<string>();
            foreach (var email in new[] { "fuzz-one@example.test", "fuzz-two@example.test" })
            {
                urls.Add((await alex.PostJsonAsync($"/api/engagements/{engagement.Id()}/invitations", new { email }, HttpStatusCode.Created)).Str("inviteUrl"));
            }

            urls.Add((await admin.PostJsonAsync("/api/practice/invitations", new { email = "fuzz-therapist@example.test" }, HttpStatusCode.Created)).Str("inviteUrl"));
            return (urls.Select(u => u[(u.LastIndexOf('/') + 1)..]).ToList(), listings);
        }

        private static Regex PatternRegex(string pattern)
        {
            var regex = "^" + Regex.Replace(MatrixRoutes.Plain(pattern), @"\{[^}]+\}|[^{]+", m => m.Value.StartsWith('{') ? "[^/?#]+" : Regex.Escape(m.Value)) + @"(\?.*)?$";
            return new Regex(regex, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        }

        private static Regex ParameterRegex(string name) => new(@"\{\*{0,2}" + Regex.Escape(name) + @"(:[^}]*)?\}", RegexOptions.None, TimeSpan.FromSeconds(1));
    }
}
