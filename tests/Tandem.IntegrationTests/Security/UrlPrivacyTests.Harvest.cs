using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components.Endpoints;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>The crawl's parts: what it collects from every answer, who it runs as, which paths it starts from, and the app's routes.</summary>
public sealed partial class UrlPrivacyTests
{
    /// <summary>Attributes whose value is a URL in HTML (and SVG).</summary>
    private static readonly HashSet<string> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "href", "src", "action", "formaction", "xlink:href", "poster", "cite", "data", "background", "ping", "manifest", "longdesc", "icon", "codebase", "archive", "usemap",
    };

    /// <summary>Elements whose link a person follows (the rest are loaded by the browser: scripts, styles, images).</summary>
    private static readonly HashSet<string> Followed = new(StringComparer.OrdinalIgnoreCase) { "a", "area", "iframe", "frame" };

    /// <summary>Input types a person types free text into.</summary>
    private static readonly HashSet<string> FreeTextTypes = new(StringComparer.OrdinalIgnoreCase) { "", "text", "search", "email", "tel", "url", "password" };

    /// <summary>Everything the crawl collects, from every answer, by everyone (thread-safe: two people crawl at a time).</summary>
    internal sealed partial class Harvest(RouteTable routes)
    {
        private int _responses;
        private int _pages;
        private int _apis;
        private int _redirects;
        private int _sentinelAnswers;
        private int _formsSeen;
        private int _getForms;
        private int _formsPosted;

        public ConcurrentBag<Found> Urls { get; } = [];

        public ConcurrentBag<Problem> FormProblems { get; } = [];

        /// <summary>Route patterns requested with GET at least once (by anyone).</summary>
        public ConcurrentDictionary<string, int> PatternsReached { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, int> PerPerson { get; } = new(StringComparer.Ordinal);

        public int Responses => _responses;

        public int Pages => _pages;

        public int Apis => _apis;

        public int Redirects => _redirects;

        public int SentinelAnswers => _sentinelAnswers;

        public int FormsSeen => _formsSeen;

        public int GetForms => _getForms;

        public int FormsPosted => _formsPosted;

        public void Posted() => Interlocked.Increment(ref _formsPosted);

        /// <summary>GETs a path and harvests the answer; returns the same-origin links a person could follow from it.</summary>
        public async Task<IReadOnlyList<string>> FetchAsync(HttpClient client, string pathAndQuery, string who)
        {
            var uri = new Uri(Origin, pathAndQuery);
            using var response = await client.GetAsync(uri, Ct);
            PerPerson.AddOrUpdate(who, 1, (_, n) => n + 1);
            if (routes.Match(uri.AbsolutePath) is { } match)
            {
                PatternsReached.AddOrUpdate(match.Pattern, 1, (_, n) => n + 1);
            }

            return await ReadAsync(response, $"{who}: GET {pathAndQuery}", uri, follow: true, client);
        }

        /// <summary>Collects every URL of one answer: its Location header, and the URLs of its HTML, JSON or text body.</summary>
        /// <param name="client">The client that asked: a redirection Blazor wrote into a streamed page is followed with it at once.</param>
        public async Task<IReadOnlyList<string>> ReadAsync(HttpResponseMessage response, string where, Uri requestUri, bool follow, HttpClient? client = null)
        {
            Interlocked.Increment(ref _responses);
            var links = new List<string>();
            var redirections = new List<Uri>();
            if ((int)response.StatusCode >= 500)
            {
                FormProblems.Add(new Problem("(x) server error", requestUri.PathAndQuery, where, $"answered {(int)response.StatusCode}: the crawl cannot see what it would have shown"));
            }

            if (response.Headers.Location is { } location)
            {
                Interlocked.Increment(ref _redirects);
                Add(location.OriginalString, requestUri, where, $"Location header of a {(int)response.StatusCode}", follow ? links : null);
            }

            if (response.Content.Headers.ContentLocation is { } contentLocation)
            {
                Add(contentLocation.OriginalString, requestUri, where, "Content-Location header", null);
            }

            var type = response.Content.Headers.ContentType?.MediaType ?? "";
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (body.Contains("CLINICALSENTINEL", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _sentinelAnswers);
            }

            if (type == "text/html")
            {
                Interlocked.Increment(ref _pages);
                Html(body, requestUri, where, follow ? links : null, redirections);
            }
            else if (type.Contains("json", StringComparison.OrdinalIgnoreCase) && body.Length > 0)
            {
                Interlocked.Increment(ref _apis);
                try
                {
                    using var json = JsonDocument.Parse(body);
                    Json(json.RootElement, null, requestUri, where);
                }
                catch (JsonException)
                {
                    FormProblems.Add(new Problem("(x) unreadable JSON", requestUri.PathAndQuery, where, $"{type} that does not parse"));
                }
            }
            else if (type.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
            {
                // Calendar feeds, CSV reports, plain text: absolute links in them.
                foreach (Match m in MailLink().Matches(body))
                {
                    Add(m.Value, requestUri, where, $"link in {type}", null);
                }
            }

            // Blazor's opaque redirect (a redirection after the response started): its Location is the real target.
            foreach (var opaque in redirections.Where(r => r.AbsolutePath == "/_framework/opaque-redirect").Distinct())
            {
                if (client is not null)
                {
                    using var redirected = await client.GetAsync(opaque, Ct);
                    await ReadAsync(redirected, where + " then GET " + opaque.AbsolutePath, opaque, follow: false);
                    if (follow && redirected.Headers.Location is { } target && Uri.TryCreate(requestUri, target, out var next) && next.Host == Origin.Host)
                    {
                        links.Add(next.PathAndQuery);
                    }
                }
            }

            return links;
        }

        /// <summary>Records one URL as found; a same-origin one a person would follow joins <paramref name="links"/>.</summary>
        public void Add(string raw, Uri baseUri, string where, string how, List<string>? links, bool follow = true)
        {
            raw = raw.Trim();
            if (raw.Length == 0)
            {
                return;
            }

            var resolved = Resolve(raw, baseUri);
            Urls.Add(new Found(raw, resolved?.AbsoluteUri, where, how));
            if (follow && links is not null && resolved is not null && resolved.Host == Origin.Host)
            {
                links.Add(resolved.PathAndQuery);
            }
        }

        private static Uri? Resolve(string raw, Uri baseUri)
        {
            if (NonWebScheme().IsMatch(raw))
            {
                return null;
            }

            if (raw.StartsWith("~/", StringComparison.Ordinal))
            {
                raw = raw[1..];
            }

            return Uri.TryCreate(baseUri, raw, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
        }

        private void Html(string html, Uri pageUri, string where, List<string>? links, List<Uri> redirections)
        {
            var document = new HtmlParser().ParseDocument(html);
            var baseUri = BaseOf(document, pageUri);
            foreach (var element in document.All)
            {
                var tag = element.LocalName;
                foreach (var attribute in element.Attributes)
                {
                    var name = attribute.Name;
                    var how = $"<{tag} {name}>";
                    if (UrlAttributes.Contains(name))
                    {
                        Add(attribute.Value, baseUri, where, how, links, follow: Followed.Contains(tag));
                    }
                    else if (name is "srcset" or "imagesrcset")
                    {
                        foreach (var candidate in attribute.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            Add(candidate.Split(' ')[0], baseUri, where, how, null);
                        }
                    }
                    else if (name.StartsWith("data-", StringComparison.OrdinalIgnoreCase) && LooksLikeUrl(attribute.Value))
                    {
                        Add(attribute.Value, baseUri, where, how, null);
                    }
                }

                switch (tag)
                {
                    case "meta" when string.Equals(element.GetAttribute("http-equiv"), "refresh", StringComparison.OrdinalIgnoreCase):
                        var refresh = RefreshUrl().Match(element.GetAttribute("content") ?? "");
                        if (refresh.Success)
                        {
                            Add(refresh.Groups[1].Value.Trim('\'', '"'), baseUri, where, "<meta http-equiv=refresh>", links);
                        }

                        break;
                    case "script" when !element.HasAttribute("src"):
                        foreach (Match m in ScriptString().Matches(element.TextContent))
                        {
                            Add(m.Groups[2].Value, baseUri, where, "string in an inline script", null);
                        }

                        break;
                    case "template":
                        // Streamed rendering and redirections after a form post arrive as templates.
                        var inner = ((IHtmlTemplateElement)element).Content.ChildNodes.Select(n => n is IElement e ? e.OuterHtml : n.TextContent);
                        var content = string.Concat(inner);
                        if (string.Equals(element.GetAttribute("type"), "redirection", StringComparison.OrdinalIgnoreCase) || element.GetAttribute("blazor-type") == "redirection")
                        {
                            Add(content, baseUri, where, "<template redirection>", links);
                            if (Uri.TryCreate(baseUri, content.Trim(), out var redirection))
                            {
                                redirections.Add(redirection);
                            }
                        }
                        else if (content.Contains('<', StringComparison.Ordinal))
                        {
                            Html(content, pageUri, where, links, redirections);
                        }

                        break;
                    case "form":
                        Form(element, baseUri, pageUri, where, links);
                        break;
                }
            }
        }

        /// <summary>Rule (c), and the URL a GET form would produce (one per option of each of its selects).</summary>
        private void Form(IElement form, Uri baseUri, Uri pageUri, string where, List<string>? links)
        {
            Interlocked.Increment(ref _formsSeen);
            var method = (form.GetAttribute("method") ?? "get").Trim();
            var submitsGet = !string.Equals(method, "post", StringComparison.OrdinalIgnoreCase) && !string.Equals(method, "dialog", StringComparison.OrdinalIgnoreCase);
            var getButton = form.QuerySelectorAll("button[formmethod], input[formmethod]").Any(b => string.Equals(b.GetAttribute("formmethod"), "get", StringComparison.OrdinalIgnoreCase));
            if (!submitsGet && !getButton)
            {
                return;
            }

            Interlocked.Increment(ref _getForms);
            var action = form.GetAttribute("action") is { Length: > 0 } a && Uri.TryCreate(baseUri, a, out var target) ? target : pageUri;
            var fields = form.QuerySelectorAll("input[name], textarea[name], select[name]").Where(f => !f.HasAttribute("disabled")).ToList();
            foreach (var field in fields)
            {
                var name = field.GetAttribute("name")!;
                var freeText = field is IHtmlTextAreaElement || (field is IHtmlInputElement input && FreeTextTypes.Contains(input.GetAttribute("type") ?? ""));
                if (freeText && !FreeTextGetFilters.Contains((action.AbsolutePath, name)))
                {
                    FormProblems.Add(new Problem("(c) free text in a GET form", action.AbsoluteUri, where,
                        $"<{field.LocalName} name=\"{name}\"> is sent in the URL: the form must use method=\"post\" (or the field be a filter over non-clinical values, listed in FreeTextGetFilters)"));
                }
            }

            // The URLs the form produces: its fields as the page set them (a browser sends "on" for a box without a value), then each option of each select.
            List<KeyValuePair<string, string>> Defaults()
            {
                var values = new List<KeyValuePair<string, string>>();
                foreach (var f in fields)
                {
                    var name = f.GetAttribute("name")!;
                    switch (f)
                    {
                        case IHtmlInputElement { Type: "checkbox" or "radio" } box when box.HasAttribute("checked"):
                            values.Add(new(name, box.GetAttribute("value") ?? "on"));
                            break;
                        case IHtmlInputElement { Type: "checkbox" or "radio" or "submit" or "button" or "image" or "reset" or "file" }:
                            break;
                        case IHtmlSelectElement select:
                            values.Add(new(name, (select.QuerySelectorAll("option").FirstOrDefault(o => o.HasAttribute("selected")) ?? select.QuerySelector("option"))?.GetAttribute("value") ?? ""));
                            break;
                        case IHtmlTextAreaElement text:
                            values.Add(new(name, text.TextContent));
                            break;
                        default:
                            values.Add(new(name, f.GetAttribute("value") ?? ""));
                            break;
                    }
                }

                return values;
            }

            string Submission(IEnumerable<KeyValuePair<string, string>> values) =>
                new UriBuilder(action) { Query = string.Join("&", values.Select(v => Uri.EscapeDataString(v.Key) + "=" + Uri.EscapeDataString(v.Value))) }.Uri.AbsoluteUri;

            Add(Submission(Defaults()), baseUri, where, "submission of a GET form", links);
            foreach (var select in fields.OfType<IHtmlSelectElement>())
            {
                foreach (var option in select.QuerySelectorAll("option"))
                {
                    var values = Defaults();
                    values.RemoveAll(v => v.Key == select.Name);
                    values.Add(new(select.Name ?? "", option.GetAttribute("value") ?? option.TextContent));
                    Add(Submission(values), baseUri, where, $"submission of a GET form with {select.Name} = an option", null);
                }
            }
        }

        private void Json(JsonElement element, string? property, Uri requestUri, string where)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in element.EnumerateObject())
                    {
                        Json(p.Value, p.Name, requestUri, where);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Json(item, property, requestUri, where);
                    }

                    break;
                case JsonValueKind.String:
                    var value = element.GetString() ?? "";
                    // A field named like a URL (url, href, links...) holding something with a path or a scheme; FHIR's extension "url"s such as "left" are names.
                    var named = property is not null && UrlProperty().IsMatch(property) && value.IndexOfAny(['/', ':', '?']) >= 0 && !value.Any(char.IsWhiteSpace);
                    if (named || LooksLikeUrl(value))
                    {
                        Add(value, requestUri, where, $"JSON \"{property}\"", null);
                    }

                    break;
            }
        }

        /// <summary>A value that stands for a URL: no spaces, and a path, an absolute URL or a relative path with a query.</summary>
        private bool LooksLikeUrl(string value) =>
            value.Length is > 0 and < 4000 && !value.Any(char.IsWhiteSpace)
            && (value.StartsWith('/') || value.StartsWith("~/", StringComparison.Ordinal) || value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || RelativeWithQuery().IsMatch(value)
                || routes.FirstSegments.Any(s => value.StartsWith(s + "/", StringComparison.OrdinalIgnoreCase)));

        [GeneratedRegex(@"url\s*=\s*(.+)$", RegexOptions.IgnoreCase)]
        private static partial Regex RefreshUrl();

        [GeneratedRegex(@"([""'`])(/[^""'`\s]*|https?://[^""'`\s]+|[\w./-]+\?[\w-]+=[^""'`\s]*)\1")]
        private static partial Regex ScriptString();

        [GeneratedRegex(@"(url|uri|href|link|location|redirect)s?$", RegexOptions.IgnoreCase)]
        private static partial Regex UrlProperty();

        [GeneratedRegex(@"^[\w.-]+(/[\w.~%-]*)*\?[\w.-]+=")]
        private static partial Regex RelativeWithQuery();
    }

    /// <summary>One person of the crawl: a browser (cookie, signed in through the sign-in page) and an API client (bearer token).</summary>
    internal sealed class Caller : IDisposable
    {
        private Caller(string? email, Person? person, HttpClient pages, HttpClient api)
        {
            Email = email;
            Person = person;
            Pages = pages;
            Api = api;
        }

        public string? Email { get; }

        public Person? Person { get; }

        public string Label => Email ?? "anonymous";

        public HttpClient Pages { get; }

        public HttpClient Api { get; }

        public static async Task<Caller> StartAsync(TandemApp app, string? email, RecordIndex index, Harvest harvest)
        {
            var pages = email is null ? app.CreateAnonymousClient() : await SignedInBrowserAsync(app, email, harvest);
            var api = email is null ? app.CreateAnonymousClient() : await app.ClientForAsync(email);
            return new Caller(email, email is null ? null : index.Person(email), pages, api);
        }

        public void Dispose()
        {
            Pages.Dispose();
            Api.Dispose();
        }
    }

    /// <summary>A cookie client signed in through the sign-in page, as a browser; the sign-in's redirect is harvested.</summary>
    internal static async Task<HttpClient> SignedInBrowserAsync(TandemApp app, string email, Harvest harvest)
    {
        var browser = app.CreateAnonymousClient();
        using var signedIn = await SubmitFormAsync(browser, "/Account/Login?ReturnUrl=%2Fsessions", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = TandemApp.DemoPassword,
        }, harvest, email);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{email} could not sign in through the page: {(int)signedIn.StatusCode}");
        return browser;
    }

    /// <summary>
    /// The paths the crawl starts from for one person: every GET route with its ids filled from records the person may see
    /// (the engagements they take part in, their sessions, goals, requests, the practice's instruments...). Where the
    /// person may see none, a record of another engagement or a made-up id: the refusal is an answer too.
    /// </summary>
    internal sealed class Filler(RecordIndex index, Person? person, IReadOnlyList<Guid> listings, Seeding seeding, IReadOnlyCollection<string> instrumentKeys)
    {
        private const int PagesPerPattern = 6;

        private const int ApiCallsPerPattern = 2;

        private IReadOnlyList<Guid> Engagements { get; } = EngagementsOf(index, person, seeding);

        public IEnumerable<string> PageSeeds(RouteTable routes) => routes.GetEndpoints.Where(e => !e.IsApi && Needed(e)).SelectMany(e => Fill(e.Pattern).Take(PagesPerPattern));

        public IEnumerable<string> ApiSeeds(RouteTable routes) => routes.GetEndpoints.Where(e => e.IsApi && Needed(e)).SelectMany(e => Fill(e.Pattern).Take(ApiCallsPerPattern));

        /// <summary>The OpenAPI document and its browser are the same for everyone: the anonymous visitor reads them.</summary>
        private bool Needed(EndpointInfo e) => person is null || !(e.Pattern.StartsWith("/openapi", StringComparison.Ordinal) || e.Pattern.StartsWith("/scalar", StringComparison.Ordinal));

        private static List<Guid> EngagementsOf(RecordIndex index, Person? person, Seeding seeding)
        {
            var all = index.OfType("Engagement").OrderBy(e => e.Id).ToList();
            if (person is null)
            {
                return [seeding.SamsEngagement];
            }

            var own = all.Where(e => index.IsParticipant(person.Id, e.Id)).Select(e => e.Id).ToList();
            if (own.Count > 0)
            {
                return own;
            }

            // A practice admin takes part in none: two of the practice's engagements (refused), and the one opened in an emergency.
            var practice = all.Where(e => e.PracticeId == person.PracticeId).Select(e => e.Id).Take(2).ToList();
            if (person.Email == "admin@riverside.test")
            {
                practice.Add(seeding.BreakGlassEngagement);
            }

            return practice.Distinct().ToList();
        }

        private IEnumerable<string> Fill(string pattern)
        {
            var parameters = MatrixRoutes.Parameters(pattern);
            IEnumerable<string> paths = [pattern];
            foreach (var (name, before, _) in parameters.Reverse())
            {
                var values = Values(MatrixRoutes.TypeOf(pattern, name, before), name, pattern).ToList();
                paths = paths.SelectMany(p => values.Select(v => ReplaceParameter(p, name, v))).ToList();
            }

            return paths;
        }

        private static string ReplaceParameter(string path, string name, string value)
        {
            var start = path.IndexOf("{" + name, StringComparison.Ordinal);
            if (start < 0)
            {
                start = path.IndexOf("{*", StringComparison.Ordinal);
            }

            var end = path.IndexOf('}', start);
            return path[..start] + Uri.EscapeDataString(value) + path[(end + 1)..];
        }

        private IEnumerable<string> Values(string? type, string name, string pattern)
        {
            var mine = Engagements.ToHashSet();
            IEnumerable<string> Of(string recordType, int perEngagement, Func<RecordInfo, bool>? where = null)
            {
                var records = index.OfType(recordType).Where(r => r.EngagementId is { } e && mine.Contains(e) && (where?.Invoke(r) ?? true)).ToList();
                var chosen = records.GroupBy(r => r.EngagementId).SelectMany(g => g.OrderByDescending(Interest).ThenBy(r => r.Id).Take(perEngagement)).Select(r => r.Id.ToString()).ToList();
                return chosen.Count > 0 ? chosen : index.OfType(recordType).OrderBy(r => r.Id).Take(1).Select(r => r.Id.ToString()).DefaultIfEmpty(Guid.NewGuid().ToString());
            }

            switch (type)
            {
                case "Engagement":
                    return Engagements.Select(e => e.ToString());
                case "Session":
                    return Of("Session", 2);
                case "Goal":
                    return Of("Goal", 1);
                case "Commitment" or "Proposal" or "Message" or "MeasureAlert" or "MeasureSchedule":
                    return Of(type, 1);
                case "FirstConversationRequest":
                    var requests = index.OfType(type).Where(r => person is not null && r.GuidOf("TherapistId") == person.Id).OrderByDescending(r => r.Id == seeding.RequestId).Take(3).Select(r => r.Id.ToString()).ToList();
                    return requests.Count > 0 ? requests : [seeding.RequestId.ToString()];
                case "PracticeInstrument":
                    var instruments = index.OfType(type).Where(r => person is not null && r.PracticeId == person.PracticeId).Select(r => r.Id.ToString()).ToList();
                    return instruments.Count > 0 ? instruments : index.OfType(type).Take(1).Select(r => r.Id.ToString()).DefaultIfEmpty(Guid.NewGuid().ToString());
                case "InstrumentKey":
                    return instrumentKeys;
                case "Therapist":
                    return listings.Select(l => l.ToString());
                case "Person" or "Participant" or "Thread":
                    return index.People.Values.Where(p => person is not null && p.PracticeId == person.PracticeId).Select(p => p.Id.ToString()).Take(2);
                case "Document":
                    return ["v1"];
                case "Secret" when name == "Token":
                    return [seeding.InvitationToken];
                case "Secret" when name == "token" && pattern.Contains("calendar", StringComparison.Ordinal):
                    return [seeding.CalendarToken];
                case "Secret":
                    return [Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_')];
                default:
                    return [pattern.Contains(name + ":guid", StringComparison.Ordinal) || name.EndsWith("id", StringComparison.OrdinalIgnoreCase) ? Guid.NewGuid().ToString() : "x"];
            }
        }

        /// <summary>Records with more on them first: the seeded ones, then drafts and upcoming sessions, then completed ones.</summary>
        private int Interest(RecordInfo r)
        {
            var score = r.Id == seeding.SessionId || r.Id == seeding.PastSessionId ? 100 : 0;
            var status = Convert.ToString(r.Values.GetValueOrDefault("Status"), System.Globalization.CultureInfo.InvariantCulture);
            return score + status switch { "Completed" => 3, "Scheduled" => 2, _ => 0 };
        }
    }

    /// <summary>The app's routes as regular expressions, to tell which pattern a URL is for and what fills its parameters.</summary>
    internal sealed partial class RouteTable
    {
        private readonly List<(string Pattern, Regex Regex, List<string> Names, int Literal)> _routes = [];

        public RouteTable(IReadOnlyList<EndpointInfo> endpoints)
        {
            var crawlable = endpoints.Where(e => e.Method == "GET" && !MatrixRoutes.IsOutOfScope(e) && !e.Pattern.StartsWith("/hubs", StringComparison.Ordinal)).ToList();
            GetEndpoints = crawlable;
            PagePatterns = crawlable.Where(e => e.Endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).Select(e => Trimmed(e.Pattern)).Distinct().ToList();
            ApiGetPatterns = crawlable.Where(e => e.IsApi).Select(e => Trimmed(e.Pattern)).Distinct().ToList();
            // Static files (fingerprinted names such as tandem.4k2jx9lee0.css) are left out: their letters are no words.
            Words = endpoints.Where(e => !e.Pattern.Contains('.', StringComparison.Ordinal))
                .SelectMany(e => WordPattern().Matches(Parameter().Replace(e.Pattern, "/").ToLowerInvariant()).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
            FirstSegments = endpoints.Select(e => e.Pattern.TrimStart('/').Split('/')[0]).Where(s => s.Length > 2 && !s.Contains('{', StringComparison.Ordinal)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var pattern in endpoints.Select(e => Trimmed(e.Pattern)).Distinct(StringComparer.Ordinal))
            {
                if (pattern.StartsWith("/{**", StringComparison.Ordinal) || pattern.StartsWith("/{*", StringComparison.Ordinal))
                {
                    // The fallback (not-found page) matches everything: a path only it answers is reported.
                    continue;
                }

                var names = Parameter().Matches(pattern).Select(m => m.Groups["name"].Value).ToList();
                var literal = Parameter().Replace(pattern, "").Length;
                _routes.Add((pattern, new Regex(EscapeLiterals(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), names, literal));
            }

            _routes.Sort((a, b) => b.Literal.CompareTo(a.Literal));
        }

        public IReadOnlyList<EndpointInfo> GetEndpoints { get; }

        public IReadOnlyList<string> PagePatterns { get; }

        public IReadOnlyList<string> ApiGetPatterns { get; }

        /// <summary>The words of the app's route literals ("engagements", "note"...).</summary>
        public HashSet<string> Words { get; }

        /// <summary>The first path segments of the app's routes ("engagements", "api"...), to tell a relative path in a data attribute.</summary>
        public IReadOnlyList<string> FirstSegments { get; }

        public RouteMatch? Match(string path)
        {
            foreach (var (pattern, regex, names, _) in _routes)
            {
                var m = regex.Match(path);
                if (m.Success)
                {
                    return new RouteMatch(pattern, names.Select((n, i) => (n, Uri.UnescapeDataString(m.Groups[i + 1].Value))).ToList());
                }
            }

            return null;
        }

        /// <summary>A group's own endpoint ends with a slash ("/api/me/calendar-feed/"); the URL that names it does not.</summary>
        private static string Trimmed(string pattern) => pattern.Length > 1 ? pattern.TrimEnd('/') : pattern;

        /// <summary>The pattern as a regular expression: literals escaped, each parameter a group (a guid for :guid).</summary>
        private static string EscapeLiterals(string pattern)
        {
            var result = new System.Text.StringBuilder("^");
            var last = 0;
            foreach (Match m in Parameter().Matches(pattern))
            {
                result.Append(Regex.Escape(pattern[last..m.Index]));
                result.Append(m.Groups["star"].Success ? "(.*)"
                    : m.Groups["constraint"].Value.Contains("guid", StringComparison.OrdinalIgnoreCase) ? "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
                    : "([^/]+?)");
                last = m.Index + m.Length;
            }

            result.Append(Regex.Escape(pattern[last..])).Append("/?$");
            return result.ToString();
        }

        [GeneratedRegex(@"\p{L}+")]
        private static partial Regex WordPattern();

        [GeneratedRegex(@"\{(?<star>\*{1,2})?(?<name>[^}:?=]+)(?<constraint>[^}]*)\}")]
        private static partial Regex Parameter();
    }

    internal sealed record RouteMatch(string Pattern, IReadOnlyList<(string Name, string Value)> Values);
}
