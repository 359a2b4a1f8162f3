using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Insights;

/// <summary>
/// Issue 20: the attacks an outside review made as a practice admin, written as tests that
/// must find nothing. Each attack uses only what an admin can ask for (the report, its CSV
/// and the people list), the way an admin would.
/// </summary>
public sealed class DisclosureAttackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The last day of the last calendar quarter that is over.</summary>
    internal static DateOnly LastQuarterEnd(DateOnly today)
    {
        var quarterStart = new DateOnly(today.Year, (((today.Month - 1) / 3) * 3) + 1, 1);
        return quarterStart.AddDays(-1);
    }

    internal static string QuarterKey(DateOnly day) => $"{day.Year}-Q{((day.Month - 1) / 3) + 1}";

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static string PeriodOf(JsonElement report) =>
        report.TryGetProperty("period", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.GetProperty("key").GetString()!
            : $"{report.GetProperty("from").GetString()}..{report.GetProperty("to").GetString()}";

    /// <summary>
    /// Attack 1 of the issue: the admin asks for periods that differ by one day and subtracts
    /// one report from the other (mean x n, counts, numerators). Nothing about 1 to 4 people
    /// may come out: the same period gives the same figures, and nested periods differ by
    /// nothing smaller than 5 people.
    /// </summary>
    [Fact]
    public async Task Two_reports_a_day_apart_give_nobody_away()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var today = app.TodayIn();
        var to = LastQuarterEnd(today);

        var reports = new List<(DateOnly From, JsonElement? Report)>();
        for (var from = to.AddDays(-100); from <= to; from = from.AddDays(1))
        {
            var (status, body) = await GetAsync(admin, $"/api/practice/outcomes?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
            reports.Add((from, status == HttpStatusCode.OK ? JsonDocument.Parse(body).RootElement.Clone() : null));
        }

        Assert.Contains(reports, r => r.Report is not null);
        var findings = new List<string>();
        for (var i = 1; i < reports.Count; i++)
        {
            if (reports[i - 1].Report is not { } a || reports[i].Report is not { } b)
            {
                continue;
            }

            var day = $"from {reports[i - 1].From:yyyy-MM-dd} vs {reports[i].From:yyyy-MM-dd}";
            if (PeriodOf(a) == PeriodOf(b))
            {
                if (WithoutNote(a) != WithoutNote(b))
                {
                    findings.Add($"{day}: the same period ({PeriodOf(a)}) gave different figures");
                }

                continue;
            }

            findings.AddRange(Differences(a, b).Select(f => $"{day}: {f}"));
        }

        Figures.Print($"S10 differencing: {reports.Count} reports a day apart ({reports.Count(r => r.Report is not null)} answered, the rest refused), {findings.Count} figures about 1 to 4 people derivable");
        Assert.True(findings.Count == 0, $"{findings.Count} things derivable from two reports a day apart:\n" + string.Join("\n", findings.Take(25)));
    }

    /// <summary>The report without the sentence about the dates asked for (which names those dates, not any figure).</summary>
    private static string WithoutNote(JsonElement report)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(report.GetRawText())!;
        if (node["period"] is System.Text.Json.Nodes.JsonObject period)
        {
            period.Remove("note");
        }

        return node.ToJsonString();
    }

    /// <summary>What subtracting report b from report a gives away about 1 to 4 people.</summary>
    private static IEnumerable<string> Differences(JsonElement a, JsonElement b)
    {
        var bFigures = ReportJson.Figures(b).ToDictionary(f => f.Path);
        foreach (var fa in ReportJson.Figures(a))
        {
            if (!bFigures.TryGetValue(fa.Path, out var fb))
            {
                continue;
            }

            // A mean with its n: the difference of the sums is the few people who differ.
            if (ReportJson.Number(fa.Element, "value") is { } ma && ReportJson.Number(fb.Element, "value") is { } mb
                && ReportJson.Int(fa.Element, "n") is { } na && ReportJson.Int(fb.Element, "n") is { } nb && Math.Abs(na - nb) is >= 1 and <= 4)
            {
                var derived = ((ma * na) - (mb * nb)) / (na - nb);
                yield return $"{fa.Path}: n {na} and {nb}, so the mean of the {Math.Abs(na - nb)} people between them is {derived.ToString("0.##", Inv)}";
            }

            if (ReportJson.CountNames.Contains(fa.Name) && ReportJson.Int(fa.Element, "value") is { } ca && ReportJson.Int(fb.Element, "value") is { } cb && Math.Abs(ca - cb) is >= 1 and <= 4)
            {
                yield return $"{fa.Path}: {ca} and {cb}, a group of {Math.Abs(ca - cb)} separates out";
            }

            if (ReportJson.Int(fa.Element, "numerator") is { } ka && ReportJson.Int(fb.Element, "numerator") is { } kb && Math.Abs(ka - kb) is >= 1 and <= 4)
            {
                yield return $"{fa.Path}: numerators {ka} and {kb}";
            }
        }
    }

    /// <summary>
    /// Attack 2 of the issue: the de-identified CSV joined with the people list every admin
    /// has (names, format, start date, therapist, status). No row may match exactly one person,
    /// whichever way the therapist codes are read.
    /// </summary>
    [Fact]
    public async Task The_csv_joined_with_the_people_list_finds_nobody()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var today = app.TodayIn();
        var quarter = QuarterKey(LastQuarterEnd(today));

        var list = await admin.GetJsonAsync("/api/practice/engagements");
        var people = list.EnumerateArray().SelectMany(e => e.GetProperty("participants").EnumerateArray()
            .Where(p => p.GetProperty("role").GetString() == "Client")
            .Select(p => new Person(
                p.GetProperty("displayName").GetString()!,
                e.GetProperty("format").GetString()!,
                e.GetProperty("status").GetString()!,
                DateOnly.FromDateTime(e.GetProperty("createdAt").GetDateTimeOffset().UtcDateTime),
                e.GetProperty("participants").EnumerateArray().Where(t => t.GetProperty("role").GetString() == "Therapist").Select(t => t.GetProperty("displayName").GetString()!).Order(StringComparer.Ordinal).ToList())))
            .ToList();
        var therapists = people.SelectMany(p => p.Therapists).Distinct().Order(StringComparer.Ordinal).ToList();

        var findings = new List<string>();
        var checkedRows = 0;
        var checkedCodes = 0;
        foreach (var period in new[] { quarter, (today.Year - 1).ToString(Inv) })
        {
            using var response = await admin.GetAsync($"/api/practice/outcomes.csv?period={period}", Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#')).ToList();
            var header = lines[0].Split(',');
            int Column(params string[] names) => Array.FindIndex(header, h => names.Contains(h));
            var (format, therapist, started, status) = (Column("format"), Column("therapists", "therapist"), Column("started_quarter", "started"), Column("status"));
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            checkedRows += rows.Count;

            var codes = rows.SelectMany(r => r[therapist].Split(' ')).Where(c => c.Length > 1 && c[0] == 'T' && char.IsDigit(c[1])).Distinct().Order(StringComparer.Ordinal).ToList();
            checkedCodes += codes.Count;
            foreach (var mapping in Bijections(codes, therapists))
            {
                var matches = rows.Select(r => people.Where(p => Matches(r, p, mapping, format, therapist, started, status)).ToList()).ToList();
                if (matches.Any(m => m.Count == 0))
                {
                    continue; // this reading of the codes contradicts the file
                }

                for (var i = 0; i < rows.Count; i++)
                {
                    if (matches[i].Count == 1)
                    {
                        findings.Add($"{period} row {string.Join(',', rows[i].Take(5))} is {matches[i][0].Name} (codes read as {string.Join(", ", mapping.Select(m => $"{m.Key}={m.Value}"))})");
                    }
                }
            }
        }

        Figures.Print($"S10 CSV join: {checkedRows} rows of {quarter} and {today.Year - 1} against {people.Count} people in the people list, every reading of the therapist codes ({checkedCodes} in all): {findings.Distinct().Count()} rows name one person");
        Assert.True(findings.Count == 0, $"{findings.Count} rows name one person:\n" + string.Join("\n", findings.Distinct().Take(20)));
    }

    private sealed record Person(string Name, string Format, string Status, DateOnly Started, IReadOnlyList<string> Therapists);

    private static IEnumerable<Dictionary<string, string>> Bijections(List<string> codes, List<string> names)
    {
        if (codes.Count == 0)
        {
            yield return [];
            yield break;
        }

        foreach (var name in names)
        {
            foreach (var rest in Bijections(codes.Skip(1).ToList(), names.Where(n => n != name).ToList()))
            {
                rest[codes[0]] = name;
                yield return rest;
            }
        }
    }

    private static bool Matches(string[] row, Person p, Dictionary<string, string> mapping, int format, int therapist, int started, int status)
    {
        var f = row[format];
        if (f != "any" && f != (p.Format == "ClientLed" ? "client-led" : "therapist-led"))
        {
            return false;
        }

        var t = row[therapist];
        if (t != "any")
        {
            if (t.StartsWith("2+", StringComparison.Ordinal))
            {
                if (p.Therapists.Count < 2)
                {
                    return false;
                }
            }
            else
            {
                var named = t.Split(' ').Select(c => mapping.GetValueOrDefault(c, "?")).Order(StringComparer.Ordinal).ToList();
                if (!named.SequenceEqual(p.Therapists))
                {
                    return false;
                }
            }
        }

        if (!StartMatches(row[started], p.Started))
        {
            return false;
        }

        // The file gives the status at the end of its period; the list gives today's.
        return row[status] switch
        {
            "ended" => p.Status == "Ended",
            "open" => p.Status is "Active" or "Paused",
            "active" or "paused" or "in treatment" => p.Status is "Active" or "Paused" or "Ended",
            _ => true,
        };
    }

    private static bool StartMatches(string label, DateOnly day)
    {
        // Within a day of the boundary either side may be right (time zones).
        foreach (var d in new[] { day, day.AddDays(-1), day.AddDays(1) })
        {
            var y = d.Year.ToString(Inv);
            var q = $"{y}-Q{((d.Month - 1) / 3) + 1}";
            var h = $"{y}-H{(d.Month <= 6 ? 1 : 2)}";
            if (label == "any" || label == y || label == q || label == h
                || (label.StartsWith("before ", StringComparison.Ordinal) && d.Year < int.Parse(label["before ".Length..], Inv)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Issue finding 3: no count, numerator or remainder of 1 to 4 people in any report an admin or therapist can ask for.</summary>
    [Fact]
    public async Task No_report_shows_a_count_of_1_to_4_people()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        var today = app.TodayIn();
        var findings = new List<string>();
        var asked = 0;
        foreach (var who in new[] { "admin@riverside.test", "alex@riverside.test", "morgan@riverside.test" })
        {
            using var client = await app.ClientForAsync(who);
            foreach (var query in Periods(today))
            {
                var (status, body) = await GetAsync(client, $"/api/practice/outcomes?{query}");
                asked++;
                if (status == HttpStatusCode.OK)
                {
                    findings.AddRange(ReportJson.SmallCounts(JsonDocument.Parse(body).RootElement).Select(f => $"{who} {query}: {f}"));
                }
            }
        }

        Figures.Print($"S10 small counts: {asked} reports (admin and two therapists, every month, quarter and year of the last year), {findings.Count} counts of 1 to 4 people shown or one subtraction away");
        Assert.True(findings.Count == 0, $"{findings.Count} counts of 1 to 4 people shown:\n" + string.Join("\n", findings.Take(25)));
    }

    /// <summary>Every month of the last year (as whole-month dates), then the quarters and years (as period keys).</summary>
    internal static IEnumerable<string> Periods(DateOnly today)
    {
        var month = new DateOnly(today.Year, today.Month, 1);
        for (var i = 1; i <= 12; i++)
        {
            var start = month.AddMonths(-i);
            yield return $"from={start:yyyy-MM-dd}&to={start.AddMonths(1).AddDays(-1):yyyy-MM-dd}";
        }

        for (var i = 1; i <= 6; i++)
        {
            yield return $"period={QuarterKey(LastQuarterEnd(today).AddMonths(-3 * (i - 1)))}";
        }

        yield return $"period={today.Year - 1}";
    }

    /// <summary>
    /// Complementary suppression: a hidden figure of a format or a therapist cannot be worked
    /// out as the whole minus its visible siblings, nor a hidden month or quarter as its
    /// quarter or year minus the visible others.
    /// </summary>
    [Fact]
    public async Task No_hidden_figure_is_its_whole_minus_its_visible_siblings()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var today = app.TodayIn();
        var findings = new List<string>();
        var byPeriod = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var query in Periods(today))
        {
            var (status, body) = await GetAsync(admin, $"/api/practice/outcomes?{query}");
            if (status != HttpStatusCode.OK)
            {
                continue;
            }

            var report = JsonDocument.Parse(body).RootElement.Clone();
            byPeriod[PeriodOf(report)] = report;
            var overall = Cells(report.GetProperty("overall"));
            findings.AddRange(MeansWithoutTheirCount(report).Select(f => $"{query} {f}"));
            foreach (var partition in new[] { "byFormat", "byTherapist" })
            {
                if (report.GetProperty(partition).ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var parts = report.GetProperty(partition).EnumerateArray().Select(g => (Label: g.GetProperty("label").GetString()!, Cells: Cells(g))).ToList();
                foreach (var (figure, total) in overall)
                {
                    findings.AddRange(Lone(total, parts.Select(p => (p.Label, p.Cells.GetValueOrDefault(figure))).ToList(), $"{query} {partition} {figure}"));
                }
            }
        }

        // Periods: each quarter of a year against its months, the year against its quarters.
        foreach (var (key, report) in byPeriod)
        {
            var children = ChildKeys(key);
            if (children is null || children.Any(c => !byPeriod.ContainsKey(c)))
            {
                continue;
            }

            foreach (var (figure, total) in Cells(report.GetProperty("overall")))
            {
                if (!figure.StartsWith("finished.", StringComparison.Ordinal) && figure is not ("activity.started" or "activity.ended" or "activity.sessionsHeld"))
                {
                    continue; // snapshots at the end of a period do not add up over periods
                }

                findings.AddRange(Lone(total, children.Select(c => (c, Cells(byPeriod[c].GetProperty("overall")).GetValueOrDefault(figure))).ToList(), $"{key} {figure}"));
            }
        }

        Figures.Print($"S10 complementary suppression: {byPeriod.Count} periods by format, therapist and period, {findings.Count} hidden figures derivable from the whole and its visible parts");
        Assert.True(findings.Count == 0, $"{findings.Count} hidden figures derivable:\n" + string.Join("\n", findings.Take(25)));
    }

    /// <summary>
    /// A mean times its count is a sum, and sums subtract like counts: a mean of finished courses
    /// shown where the count of courses with scores is hidden gives that hidden group's sum back.
    /// </summary>
    private static IEnumerable<string> MeansWithoutTheirCount(JsonElement report)
    {
        var groups = new List<JsonElement> { report.GetProperty("overall") };
        foreach (var partition in new[] { "byFormat", "byTherapist" })
        {
            if (report.GetProperty(partition).ValueKind == JsonValueKind.Array)
            {
                groups.AddRange(report.GetProperty(partition).EnumerateArray());
            }
        }

        foreach (var g in groups)
        {
            var finished = g.GetProperty("finished");
            if (ReportJson.Int(finished.GetProperty("measured"), "value") is not null)
            {
                continue;
            }

            foreach (var measure in new[] { "phq9", "gad7" })
            {
                foreach (var figure in new[] { "meanFirst", "meanLast" })
                {
                    if (ReportJson.Number(finished.GetProperty(measure).GetProperty(figure), "value") is { } mean)
                    {
                        yield return $"{g.GetProperty("label").GetString()}: {measure} {figure} {mean} shown while the courses with scores are not";
                    }
                }
            }
        }
    }

    /// <summary>A group's additive cells by path: counts, and rate numerators as "path.numerator". Null when hidden.</summary>
    private static Dictionary<string, int?> Cells(JsonElement group)
    {
        var cells = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var f in ReportJson.Figures(group))
        {
            if (ReportJson.CountNames.Contains(f.Name) || f.Name == "sessionsHeld")
            {
                cells[f.Path] = ReportJson.Int(f.Element, "value");
            }

            if (f.Element.TryGetProperty("numerator", out _))
            {
                cells[f.Path + ".numerator"] = ReportJson.Int(f.Element, "numerator");
            }
        }

        return cells;
    }

    private static IEnumerable<string> Lone(int? total, IReadOnlyList<(string Label, int? Value)> parts, string what)
    {
        if (total is null || parts.Count < 2 || parts.Count(p => p.Value is null) != 1)
        {
            yield break;
        }

        var hidden = parts.Single(p => p.Value is null);
        var derived = total.Value - parts.Where(p => p.Value is not null).Sum(p => p.Value!.Value);
        yield return $"{what}: {hidden.Label} is hidden, but the whole ({total}) minus the others gives it: {derived}";
    }

    private static List<string>? ChildKeys(string key)
    {
        if (key.Length == 4 && int.TryParse(key, Inv, out var year))
        {
            return Enumerable.Range(1, 4).Select(q => $"{year}-Q{q}").ToList();
        }

        if (key.Length == 7 && key[5] == 'Q' && int.TryParse(key[..4], Inv, out var y))
        {
            var q = key[6] - '0';
            return Enumerable.Range(((q - 1) * 3) + 1, 3).Select(m => $"{y}-{m:00}").ToList();
        }

        return null;
    }

    /// <summary>
    /// Every read of a report or its CSV is audited with the group and the period, shows in
    /// the security log, and is not in any client's access log (the figure is not about them alone).
    /// </summary>
    [Fact]
    public async Task Reading_a_report_or_its_csv_is_audited_with_the_group_and_period_in_the_security_log()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var casey = await app.ClientForAsync("casey@riverside.test");
        var today = app.TodayIn();
        var quarter = QuarterKey(LastQuarterEnd(today));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(admin, $"/api/practice/outcomes?period={quarter}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(admin, $"/api/practice/outcomes.csv?period={quarter}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(morgan, $"/api/practice/outcomes?period={quarter}")).Status);

        await app.WithDbAsync(async db =>
        {
            var entries = await db.AuditEntries.Where(a => a.ObjectType.StartsWith("OutcomeReport")).ToListAsync(Ct);
            Assert.Contains(entries, e => e.ObjectType == "OutcomeReport" && e.ObjectId == $"practice {quarter}");
            Assert.Contains(entries, e => e.ObjectType == "OutcomeReportCsv" && e.ObjectId == $"practice {quarter}");
            Assert.Contains(entries, e => e.ObjectType == "OutcomeReport" && e.ObjectId == $"caseload {quarter}" && e.Role == "Therapist");
            Assert.All(entries, e => Assert.Null(e.EngagementId));
            Assert.All(entries, e => Assert.Null(e.SubjectUserId));
        });

        var log = await admin.GetJsonAsync("/api/practice/security-log");
        var lines = log.EnumerateArray().Select(e => $"{e.GetProperty("who").GetString()} | {e.GetProperty("event").GetString()} | {e.GetProperty("detail").GetString()}").ToList();
        Assert.Contains(lines, l => l.Contains("Outcome report", StringComparison.Ordinal) && l.Contains($"practice {quarter}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Outcome CSV", StringComparison.Ordinal) && l.Contains(quarter, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Morgan", StringComparison.Ordinal) && l.Contains($"caseload {quarter}", StringComparison.Ordinal));

        var caseys = await Demo.EngagementOfAsync(app, "casey@riverside.test", "");
        var access = await casey.GetJsonAsync($"/api/engagements/{caseys}/access-log");
        Assert.DoesNotContain(access.EnumerateArray(), e => e.GetProperty("objectType").GetString()!.StartsWith("OutcomeReport", StringComparison.Ordinal));
    }
}
