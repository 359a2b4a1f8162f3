using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S6, last clause: no clinical data in URLs, in 100% of responses. URLs end up in
/// server logs, browser history, proxies and the audit trail, so no clinical or personal text
/// may ever appear in one. The suite seeds unmistakable sentinels (CLINICALSENTINEL-nn) into
/// every kind of text people write, through the app's own pages and API as the right people;
/// crawls the app as every demo person and anonymously (every GET page pattern filled with
/// records the person may see, then every same-origin link, breadth first); calls the GET API
/// endpoints; submits representative page forms; and judges every URL it was handed (links,
/// form actions, sources, data attributes, meta refreshes, script strings, Location headers,
/// URL fields of JSON answers, links in the outbox's mail):
/// <list type="bullet">
/// <item>(a) no sentinel, no person's name or email, no 12-character run of any clinical text;</item>
/// <item>(b) every query parameter is in <see cref="QueryAllowlist"/>; a path matches a mapped route with ids or tokens in its parameters;</item>
/// <item>(c) every form with a free-text field posts (a GET form would put the text in the URL);</item>
/// <item>(d) query values are ids, dates, numbers or the words allowlisted for their parameter.</item>
/// </list>
/// It also scans the app's own JavaScript for fetch/SignalR URLs that build query strings.
/// </summary>
public sealed partial class UrlPrivacyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>At most this many GET requests per person in the crawl (seeds included).</summary>
    private const int PageCap = 400;

    /// <summary>Links of one route pattern with the same query names are followed this many times per person (the week links of /sessions go on forever).</summary>
    private const int PerShapeCap = 4;

    private static readonly Uri Origin = new("https://localhost/");

    /// <summary>Everyone the crawl runs as; null is the anonymous visitor.</summary>
    private static readonly string?[] Crawlers =
    [
        null, "admin@riverside.test", "alex@riverside.test", "morgan@riverside.test", "sam@riverside.test", "jordan@riverside.test",
        "casey@riverside.test", "riley@riverside.test", "avery@riverside.test", "admin@harbor.test", "lee@harbor.test", "kim@harbor.test",
    ];

    /// <summary>The instruments every practice has (the catalog's own list, so a new built-in needs no edit here); imported ones are added from the database.</summary>
    private static readonly IReadOnlyList<string> BuiltInInstruments = Tandem.Features.Measures.Instruments.InstrumentCatalog.Ids;

    /// <summary>
    /// GET pages that change state when opened: a new authenticator key renews the security stamp and signs the person out,
    /// so each person opens it last.
    /// </summary>
    private static readonly string[] OpenedLast = ["/Account/Manage/EnableAuthenticator"];

    /// <summary>
    /// Free-text fields allowed in a GET form: filters over non-clinical lists only, as (form action path, field name).
    /// None today: the three GET forms (directory practice, outcome period, access-log filter) use selects of ids, dates and names of practices.
    /// </summary>
    private static readonly HashSet<(string Action, string Field)> FreeTextGetFilters = [];

    [Fact]
    public async Task No_url_the_app_hands_out_carries_clinical_or_personal_text()
    {
        var clock = Stopwatch.StartNew();
        await using var app = await TandemApp.StartAsync();
        var started = clock.Elapsed;
        var routes = new RouteTable(EndpointInfo.All(app.Services));
        var harvest = new Harvest(routes);

        // 1. Sentinels in every kind of text, written by the right people through pages and API.
        var seeding = new Seeding(app, harvest);
        await seeding.RunAsync();
        var index = await RecordIndex.LoadAsync(app);
        var stored = index.Records.Values.SelectMany(r => r.Values.Values).Select(v => v is string text ? text : v is IEnumerable<string> list ? string.Join(" ", list) : null).OfType<string>().ToList();
        var unstored = seeding.Sentinels.Where(s => !stored.Any(v => v.Contains(s.Token, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(unstored.Count == 0, "Sentinels the seeding did not manage to store: " + string.Join(", ", unstored.Select(s => $"{s.Token} ({s.What})")));

        var seeded = clock.Elapsed;
        var judge = await Judge.CreateAsync(app, index, seeding.Sentinels, routes);
        var listings = (await GetAnonymousJsonAsync(app, "/api/directory")).EnumerateArray().Select(e => e.Id()).ToList();

        // 2. The crawl, as everyone, three at a time (the app waits on the disk for each audit entry as much as it computes).
        var callers = new List<Caller>();
        foreach (var email in Crawlers)
        {
            callers.Add(await Caller.StartAsync(app, email, index, harvest));
        }

        var signedIn = clock.Elapsed;

        try
        {
            using var gate = new SemaphoreSlim(3);
            await Task.WhenAll(callers.Select(async caller =>
            {
                await gate.WaitAsync(Ct);
                try
                {
                    var fill = new Filler(index, caller.Person, listings, seeding, judge.InstrumentKeys);
                    await ApiCallsAsync(caller, routes, fill, harvest);
                    await CrawlAsync(caller, routes, fill, harvest);
                }
                finally
                {
                    gate.Release();
                }
            }));

            // Signing out answers with a redirect too (in a browser of its own: the crawl has renewed Sam's authenticator key, which ends Sam's sessions).
            using var sam = await SignedInBrowserAsync(app, "sam@riverside.test", harvest);
            using (await SubmitFormAsync(sam, "/", null, new Dictionary<string, string>(), harvest, "sam", action: "/Account/Logout"))
            {
            }
        }
        finally
        {
            foreach (var caller in callers)
            {
                caller.Dispose();
            }
        }

        var crawled = clock.Elapsed;

        // Links in mail are URLs too (the outbox is written in the same transaction as the change).
        var afterIndex = await RecordIndex.LoadAsync(app);
        var mails = afterIndex.OfType("OutboxMessage").ToList();
        var mailLinks = 0;
        foreach (var mail in mails)
        {
            foreach (Match m in MailLink().Matches(mail.TextOf("TextBody") ?? ""))
            {
                mailLinks++;
                harvest.Add(m.Value, Origin, $"mail \"{mail.TextOf("Subject")}\" to {mail.TextOf("To")}", "mail link", null);
            }
        }

        // 3. Judge every URL, every form, the app's own scripts.
        var problems = new List<Problem>();
        var distinct = harvest.Urls.GroupBy(u => (u.Resolved, u.How)).Select(g => g.First()).ToList();
        var judged = new HashSet<string>(StringComparer.Ordinal);
        var skipped = 0;
        foreach (var found in distinct)
        {
            if (found.Resolved is null)
            {
                if (found.Raw.Length > 0 && !NonWebScheme().IsMatch(found.Raw))
                {
                    problems.Add(new Problem("(b) unreadable", found.Raw, found.Where, "not a URL the judge can read"));
                }
                else
                {
                    skipped++;
                }

                continue;
            }

            judged.Add(found.Resolved);
            foreach (var (rule, detail) in judge.Check(found.Resolved))
            {
                problems.Add(new Problem(rule, found.Raw, $"{found.Where} ({found.How})", detail));
            }
        }

        problems.AddRange(harvest.FormProblems);
        var (scriptProblems, scripts) = ScriptProblems();
        problems.AddRange(scriptProblems);

        var pagePatterns = routes.PagePatterns.ToList();
        var missed = pagePatterns.Where(p => !harvest.PatternsReached.ContainsKey(p)).ToList();
        var apiPatterns = routes.ApiGetPatterns.ToList();
        var sentinelPages = harvest.SentinelAnswers;
        var problemUrls = problems.Select(p => p.Url).Distinct(StringComparer.Ordinal).Count();

        var lines = new List<string>
        {
            $"url privacy: provider {TestEnvironment.Provider}, {clock.Elapsed.TotalSeconds:0} s (start {started.TotalSeconds:0.0} s, seeding {(seeded - started).TotalSeconds:0.0} s, sign-ins {(signedIn - seeded).TotalSeconds:0.0} s, crawl {(crawled - signedIn).TotalSeconds:0} s), {seeding.Sentinels.Count} sentinels seeded ({sentinelPages} answers showed one), {judge.TextCount} clinical texts, {judge.NameCount} name words, {judge.EmailCount} emails",
            $"  page patterns reached {pagePatterns.Count - missed.Count} of {pagePatterns.Count}; API GET patterns called {apiPatterns.Count(p => harvest.PatternsReached.ContainsKey(p))} of {apiPatterns.Count}; {skipped} non-web URLs (mailto:, data:, otpauth:, javascript:) not judged",
            "  requests per person: " + string.Join(", ", harvest.PerPerson.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")),
            "  query parameters seen: " + string.Join(", ", judge.ParametersSeen.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => $"{p.Key} x{p.Value}")),
            $"  forms: {harvest.FormsSeen} seen ({harvest.GetForms} GET), {harvest.FormsPosted} posted; {mailLinks} links in {mails.Count} mails of the outbox; {scripts} script files scanned",
        };
        foreach (var line in lines)
        {
            Console.WriteLine(line);
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }

        Figures.Print($"no clinical data in URLs: {judged.Count} URLs from {harvest.Responses} responses ({harvest.Pages} pages, {harvest.Apis} API answers, {harvest.Redirects} redirects) as {Crawlers.Length} people, {problemUrls} with clinical data");

        Assert.True(missed.Count == 0, "GET page patterns the crawl never reached: " + string.Join(", ", missed));
        Assert.True(problems.Count == 0, $"{problems.Count} problems in {problemUrls} URLs, by rule and kind (count, then one example):" + Environment.NewLine + string.Join(Environment.NewLine,
            problems.GroupBy(p => (p.Rule, Detail: Folded(p.Detail))).OrderBy(g => g.Key.Rule, StringComparer.Ordinal).ThenByDescending(g => g.Count())
                .Select(g => $"{g.Count(),5} x {g.Key.Rule}: {g.Key.Detail}{Environment.NewLine}        e.g. {g.First().Url}{Environment.NewLine}        found in {g.First().Where}")));
        Assert.True(judged.Count > 300 && harvest.Pages > 300 && harvest.Redirects > 20, $"too little walked: {judged.Count} URLs, {harvest.Pages} pages, {harvest.Redirects} redirects");
        Assert.True(sentinelPages > 10, $"only {sentinelPages} answers showed a sentinel: the crawl did not reach the seeded records");
    }

    // ---------------------------------------------------------------- crawl

    private static async Task CrawlAsync(Caller caller, RouteTable routes, Filler fill, Harvest harvest)
    {
        var queue = new Queue<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, int>(StringComparer.Ordinal);
        var last = new List<string>();
        var fetched = 0;

        void Enqueue(string pathAndQuery, bool seed)
        {
            if (!seen.Add(pathAndQuery))
            {
                return;
            }

            var path = pathAndQuery.Split('?', '#')[0];
            if (OpenedLast.Contains(path, StringComparer.OrdinalIgnoreCase))
            {
                last.Add(pathAndQuery);
                return;
            }

            var pattern = routes.Match(path)?.Pattern ?? path;
            var queryNames = pathAndQuery.Contains('?', StringComparison.Ordinal)
                ? string.Join("&", pathAndQuery[(pathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Select(p => p.Split('=')[0]).Order(StringComparer.Ordinal))
                : "";
            var shape = pattern + "?" + queryNames;
            var count = shapes.GetValueOrDefault(shape);
            if (!seed && count >= PerShapeCap)
            {
                return;
            }

            shapes[shape] = count + 1;
            queue.Enqueue(pathAndQuery);
        }

        Enqueue("/", seed: true);
        foreach (var path in fill.PageSeeds(routes))
        {
            Enqueue(path, seed: true);
        }

        while (fetched < PageCap && (queue.Count > 0 || last.Count > 0))
        {
            string next;
            if (queue.Count > 0)
            {
                next = queue.Dequeue();
            }
            else
            {
                next = last[0];
                last.RemoveAt(0);
            }

            fetched++;
            foreach (var link in await harvest.FetchAsync(caller.Pages, next, caller.Label))
            {
                Enqueue(link, seed: false);
            }
        }
    }

    /// <summary>Every GET API endpoint, with ids of records the person may see (and, where there are none, another one: refusals count too).</summary>
    private static async Task ApiCallsAsync(Caller caller, RouteTable routes, Filler fill, Harvest harvest)
    {
        foreach (var path in fill.ApiSeeds(routes))
        {
            await harvest.FetchAsync(caller.Api, path, caller.Label + " (API)");
        }
    }

    // ---------------------------------------------------------------- forms

    /// <summary>
    /// Posts one form of a page as a browser would: every field with the value the page gave it (the first option of a
    /// select, the first radio of a group, checked boxes), then <paramref name="fields"/> on top. The answer is harvested.
    /// </summary>
    private static async Task<HttpResponseMessage> SubmitFormAsync(HttpClient client, string path, string? formName, IDictionary<string, string> fields, Harvest harvest, string who, string? action = null)
    {
        using var page = await client.GetAsync(path, Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{who}: GET {path} answered {(int)page.StatusCode} before posting {formName}");
        var document = new HtmlParser().ParseDocument(html);
        var form = action is not null
            ? document.QuerySelectorAll("form").FirstOrDefault(f => string.Equals(f.GetAttribute("action")?.TrimStart('/'), action.TrimStart('/'), StringComparison.OrdinalIgnoreCase))
            : document.QuerySelectorAll("form").FirstOrDefault(f => f.QuerySelectorAll("input[name=_handler]").Any(i => i.GetAttribute("value") == formName));
        Assert.True(form is not null, $"{who}: no form {formName ?? action} on {path}; its forms: "
            + string.Join(", ", document.QuerySelectorAll("input[name=_handler]").Select(i => i.GetAttribute("value")))
            + " " + string.Join(" | ", document.QuerySelectorAll(".callout, .notice").Select(e => e.TextContent.Trim())));

        var values = new List<KeyValuePair<string, string>>();
        var radios = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in form.QuerySelectorAll("input, textarea, select"))
        {
            var name = element.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || element.HasAttribute("disabled"))
            {
                continue;
            }

            switch (element)
            {
                case IHtmlInputElement input when input.Type is "checkbox":
                    if (input.HasAttribute("checked"))
                    {
                        values.Add(new(name, input.GetAttribute("value") ?? "on"));
                    }

                    break;
                case IHtmlInputElement input when input.Type is "radio":
                    var group = form.QuerySelectorAll("input[type=radio]").Where(r => r.GetAttribute("name") == name).ToList();
                    if (radios.Add(name))
                    {
                        var chosen = group.FirstOrDefault(r => r.HasAttribute("checked")) ?? group[0];
                        values.Add(new(name, chosen.GetAttribute("value") ?? "on"));
                    }

                    break;
                case IHtmlInputElement input when input.Type is "submit" or "button" or "file" or "image" or "reset":
                    break;
                case IHtmlInputElement input:
                    values.Add(new(name, input.GetAttribute("value") ?? ""));
                    break;
                case IHtmlTextAreaElement textArea:
                    values.Add(new(name, textArea.TextContent));
                    break;
                case IHtmlSelectElement select:
                    var options = select.QuerySelectorAll("option").ToList();
                    var option = options.FirstOrDefault(o => o.HasAttribute("selected")) ?? options.FirstOrDefault(o => !string.IsNullOrEmpty(o.GetAttribute("value"))) ?? options.FirstOrDefault();
                    values.Add(new(name, option?.GetAttribute("value") ?? option?.TextContent ?? ""));
                    break;
            }
        }

        foreach (var (name, value) in fields)
        {
            values.RemoveAll(v => v.Key == name);
            values.Add(new(name, value));
        }

        var pageUri = new Uri(Origin, path);
        var target = form.GetAttribute("action") is { Length: > 0 } a ? new Uri(BaseOf(document, pageUri), a) : pageUri;
        using var content = new FormUrlEncodedContent(values);
        var response = await client.PostAsync(target, content, Ct);
        harvest.Posted();
        await harvest.ReadAsync(response, $"{who} POST {target.PathAndQuery} ({formName ?? action})", target, follow: false, client);
        Assert.True((int)response.StatusCode < 500, $"{who}: POST {target.PathAndQuery} ({formName}) answered {(int)response.StatusCode}");
        return response;
    }

    // ---------------------------------------------------------------- the app's own scripts

    /// <summary>fetch, XMLHttpRequest, SignalR hub and location URLs in the app's JavaScript that build a query string from a value.</summary>
    private static (List<Problem> Problems, int Files) ScriptProblems()
    {
        var problems = new List<Problem>();
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Tandem.slnx")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, "The repository root (Tandem.slnx) was not found above " + AppContext.BaseDirectory);
        var app = Path.Combine(root.FullName, "src", "Tandem");
        var scripts = Directory.EnumerateFiles(app, "*.js", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                // Vendored libraries (wwwroot/lib: the SignalR client) are not the app's code: the only query their requests carry is the
                // connection's own token (negotiate, then ?id=); Tandem gives the client no access_token factory (cookies sign the page in).
                && !f.Contains($"{Path.DirectorySeparatorChar}wwwroot{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(scripts);
        foreach (var file in scripts)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (!ScriptUrlCall().IsMatch(line))
                {
                    continue;
                }

                // A query string put together from something: "...?x=" + value, `...?x=${value}`, or URLSearchParams.
                if (ScriptQueryBuilt().IsMatch(line))
                {
                    problems.Add(new Problem("(d) script builds a query", line.Trim(), $"{Path.GetRelativePath(root.FullName, file)}:{i + 1}", "a URL with a query built from a value: send text in the body of a POST instead"));
                }
            }
        }

        return (problems, scripts.Count);
    }

    // ---------------------------------------------------------------- helpers

    private static async Task<JsonElement> GetAnonymousJsonAsync(TandemApp app, string path)
    {
        using var anonymous = app.CreateAnonymousClient();
        return await anonymous.GetJsonAsync(path);
    }

    /// <summary>A problem's detail with its ids, tokens and numbers folded, to group alike problems.</summary>
    private static string Folded(string detail) => Numbers().Replace(Tokens().Replace(Ids().Replace(detail, "{id}"), "{token}"), "{n}");

    private static Uri BaseOf(IDocument document, Uri page) =>
        document.QuerySelector("base[href]")?.GetAttribute("href") is { } href && Uri.TryCreate(page, href, out var b) ? b : page;

    internal sealed record Problem(string Rule, string Url, string Where, string Detail);

    internal sealed record Sentinel(string Token, string What);

    /// <summary>A URL as found: the text in the answer, the absolute URL it stands for (null for mailto:, data:... or unreadable), where and how it was found.</summary>
    internal sealed record Found(string Raw, string? Resolved, string Where, string How);

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{32}")]
    private static partial Regex Ids();

    [GeneratedRegex("[A-Za-z0-9_-]{24,}")]
    private static partial Regex Tokens();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"^\s*(mailto|tel|data|javascript|otpauth|blob|urn|about|webcal|sms):", RegexOptions.IgnoreCase)]
    private static partial Regex NonWebScheme();

    [GeneratedRegex(@"https?://[^\s""'<>]+")]
    private static partial Regex MailLink();

    [GeneratedRegex(@"\bfetch\w*\s*\(|XMLHttpRequest|\.open\s*\(|withUrl\s*\(|HubConnectionBuilder|location(\.href)?\s*=|location\.(assign|replace)\s*\(|new\s+URL\s*\(|navigateTo\s*\(")]
    private static partial Regex ScriptUrlCall();

    [GeneratedRegex(@"\?[\w\[\]-]*=?[""'`]?\s*\+|\?[^""'`]*\$\{|URLSearchParams|searchParams\.(set|append)")]
    private static partial Regex ScriptQueryBuilt();
}
