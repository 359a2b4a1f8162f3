using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>The rules every URL is judged by, and the query parameters a URL may carry.</summary>
public sealed partial class UrlPrivacyTests
{
    /// <summary>What a query value (or a path parameter) may be.</summary>
    [Flags]
    internal enum Kinds
    {
        None = 0,

        /// <summary>A record's id (a GUID, with or without hyphens).</summary>
        Id = 1,

        /// <summary>An integer: a page size, a sequence or version number to page from.</summary>
        Number = 2,

        /// <summary>A calendar date (yyyy-MM-dd) or an ISO 8601 instant: the bounds of a period.</summary>
        Date = 4,

        /// <summary>true/false (or 1/0).</summary>
        Bool = 8,

        /// <summary>One of the words listed with the parameter.</summary>
        Words = 16,

        /// <summary>A local URL, itself judged by every rule.</summary>
        LocalUrl = 32,

        /// <summary>The name of one of the installation's practices (public: it is on every directory listing).</summary>
        PracticeName = 64,

        /// <summary>The key of a questionnaire (phq-9, a practice's imported instrument key): which form, never an answer.</summary>
        InstrumentKey = 128,

        /// <summary>A random secret (base64url, 16 characters or more): an invitation or calendar-feed token, a passkey id.</summary>
        Token = 256,

        /// <summary>A calendar period of the outcome report: a year (2025), a month (2025-10) or a quarter (2026-Q3).</summary>
        Period = 512,

        /// <summary>A language a public directory listing names (public: it is on the listing itself).</summary>
        Language = 1024,
    }

    /// <param name="OnlyOn">The one path the parameter belongs to, when it is not a general one.</param>
    internal sealed record Allowed(Kinds Kinds, string Why, string[]? Words = null, string? OnlyOn = null);

    /// <summary>
    /// Rule (b): the query parameters a URL of Tandem may carry, none of them clinical. Built from what the app hands out
    /// (the crawl prints every parameter it saw); a new one fails the suite until it is added here with its reason.
    /// Names compare case-insensitively, as ASP.NET Core binds them.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, Allowed> QueryAllowlist = new Dictionary<string, Allowed>(StringComparer.OrdinalIgnoreCase)
    {
        // Sign-in (and the not-found page of the cookie handler): the page to go back to; judged as a URL in its own right.
        ["returnUrl"] = new(Kinds.LocalUrl, "where to go after signing in: a local URL that passes these same rules"),
        ["rememberMe"] = new(Kinds.Bool, "two-factor sign-in: the remember-me box of the sign-in form"),
        // The public directory's filter: the name of a practice, which every public listing shows anyway.
        ["practice"] = new(Kinds.PracticeName, "the directory's practice filter (public)"),
        // The directory's other filters (issue 22): fixed words, or a language a public listing names. The free-text search is posted, never in a URL.
        ["format"] = new(Kinds.Words, "the directory's format filter (public)", ["ClientLed", "TherapistLed"], OnlyOn: "/directory"),
        ["mode"] = new(Kinds.Words, "the directory's online / in person filter (public)", ["Online", "InPerson"], OnlyOn: "/directory"),
        ["language"] = new(Kinds.Language, "the directory's language filter: a language a listing names (public)", OnlyOn: "/directory"),
        ["accepting"] = new(Kinds.Bool, "the directory's 'taking new clients' filter (public)", OnlyOn: "/directory"),
        // The first-conversation acknowledgement names the listing (a random id of its own, public); the outcome report's period ends on a date.
        ["to"] = new(Kinds.Id | Kinds.Date, "the listing a request went to, or the end of a period"),
        ["from"] = new(Kinds.Date, "the start of a period (outcome report, sessions API)"),
        ["for"] = new(Kinds.Id, "the listing the preferences check is taken for (public)"),
        ["week"] = new(Kinds.Date, "the schedule's week"),
        ["period"] = new(Kinds.Period, "the outcome report's calendar period (a whole year, quarter or month)"),
        // Paging: a plan version, an access-log entry id or a message sequence number, and page sizes.
        ["before"] = new(Kinds.Number, "paging: older than this number"),
        ["take"] = new(Kinds.Number, "paging: page size"),
        ["limit"] = new(Kinds.Number, "paging: page size"),
        ["one"] = new(Kinds.Bool, "questionnaire shown one question at a time"),
        // Which confirmation a page shows before a destructive form: a person to deactivate (id), or the word of the action.
        ["confirm"] = new(Kinds.Id | Kinds.Words, "which confirmation to show", ["end", "withdraw"]),
        ["withClient"] = new(Kinds.Id, "a one-to-one thread, named by its client's user id"),
        ["who"] = new(Kinds.Id | Kinds.Words, "access-log filter: a participant's user id, or only me, or everyone (issue 22)", ["me", "all"]),
        ["others"] = new(Kinds.Bool, "access-log API: leave out the caller's own entries (issue 22)"),
        ["ended"] = new(Kinds.Words, "the sign-in page: why the last sign-in ended", ["expired", "deactivated", "password-changed", "ended-by-person", "security-change", "refresh-token-reused"]),
        ["client"] = new(Kinds.Id, "the alerts page's client filter, from Today: a client's user id"),
        ["show"] = new(Kinds.Words, "Today's caseload: also list ended engagements", ["ended"]),
        ["kind"] = new(Kinds.Words, "access-log filter: opened or changed", ["read", "change"]),
        // People (issue 21): plain-word filters, so the admin home links to a view. The name search is posted, never in a URL.
        ["role"] = new(Kinds.Words, "People's role filter", ["Therapist", "Client", "PracticeAdmin"], OnlyOn: "/practice/people"),
        ["status"] = new(Kinds.Words, "People's status filter", ["active", "deactivated", "invited"], OnlyOn: "/practice/people"),
        ["sort"] = new(Kinds.Words, "People's sort order", ["role", "name", "active", "created"], OnlyOn: "/practice/people"),
        ["v"] = new(Kinds.Number, "cache-buster of a practice's logo and brand style sheet: a number from its time or colour"),
        ["look"] = new(Kinds.Number, "the security log: only what needs a look (1)", OnlyOn: "/practice/security"),
        ["scheduled"] = new(Kinds.Number | Kinds.Bool, "the session room's 'just scheduled' notice"),
        ["instrumentId"] = new(Kinds.InstrumentKey, "which questionnaire (a response's Location, the responses API filter), never an answer"),
        ["key"] = new(Kinds.InstrumentKey, "the key a practice gives an imported questionnaire"),
        // Blazor's redirection after a streamed response has started: the target URL encrypted with the app's data-protection
        // keys (unreadable in a log). The crawl follows it and judges the Location it turns into.
        ["url"] = new(Kinds.Token, "the encrypted target of Blazor's opaque redirect", OnlyOn: "/_framework/opaque-redirect"),
        // The session room's live "add to the agenda" form (the kind of item: radios without a value). A browser sends it
        // only when the form is submitted before the page goes live; its text box has no name, so the text never is.
        ["agenda-kind"] = new(Kinds.Words, "the kind of a new agenda item, from a live form submitted before it went live", ["on"], OnlyOn: "/sessions/{Id:guid}"),
    };

    /// <summary>What a route parameter that is not a guid may hold, by its name.</summary>
    private static readonly Dictionary<string, Kinds> PathParameters = new(StringComparer.Ordinal)
    {
        ["Token"] = Kinds.Token, // /invitations/{Token}
        ["token"] = Kinds.Token, // /api/calendar/{token}.ics and /api/invitations/{token}/accept
        ["Id"] = Kinds.Token | Kinds.Id, // /Account/Manage/RenamePasskey/{Id}: a passkey credential id (base64url)
        ["InstrumentId"] = Kinds.InstrumentKey, // /engagements/{EngagementId}/measures/{InstrumentId}
        ["documentName"] = Kinds.Words, // /openapi/{documentName}.json: v1
    };

    internal sealed partial class Judge
    {
        private readonly Dictionary<string, string> _shingles;
        private readonly HashSet<string> _nameWords;
        private readonly HashSet<string> _emails;
        private readonly HashSet<string> _practices;
        private readonly HashSet<string> _languages;
        private readonly RouteTable _routes;

        private Judge(Dictionary<string, string> shingles, HashSet<string> nameWords, HashSet<string> emails, HashSet<string> practices, HashSet<string> languages, HashSet<string> instrumentKeys, RouteTable routes, int texts)
        {
            _languages = languages;
            _shingles = shingles;
            _nameWords = nameWords;
            _emails = emails;
            _practices = practices;
            InstrumentKeys = instrumentKeys;
            _routes = routes;
            TextCount = texts;
        }

        /// <summary>Every query parameter name seen, with how often (printed, to review the allowlist).</summary>
        public ConcurrentDictionary<string, int> ParametersSeen { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyCollection<string> InstrumentKeys { get; }

        public int TextCount { get; }

        public int NameCount => _nameWords.Count;

        public int EmailCount => _emails.Count;

        /// <summary>
        /// The personal strings of the database: every clinical record's text (everything of an engagement, first-conversation
        /// requests, directory profiles) cut into 12-character runs, every person's name (each word) and email.
        /// </summary>
        public static async Task<Judge> CreateAsync(TandemApp app, RecordIndex index, IReadOnlyList<Sentinel> sentinels, RouteTable routes)
        {
            var shingles = new Dictionary<string, string>(StringComparer.Ordinal);
            var texts = 0;
            foreach (var record in index.Records.Values.Where(r => RecordIndex.IsProtected(r) || r.Type == "DirectoryProfile"))
            {
                foreach (var (property, value) in record.Values)
                {
                    if (value is not string text || text.Length < ShingleLength || NotText(property))
                    {
                        continue;
                    }

                    texts++;
                    var normal = Normal(text);
                    for (var i = 0; i + ShingleLength <= normal.Length; i++)
                    {
                        var shingle = normal.Substring(i, ShingleLength);
                        if (IsWords(shingle))
                        {
                            shingles.TryAdd(shingle, $"{record.Type}.{property}");
                        }
                    }
                }
            }

            var names = new List<string>();
            var emails = new HashSet<string>(index.People.Keys.Select(e => e.ToLowerInvariant()), StringComparer.Ordinal);
            var practices = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var languages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await app.WithDbAsync(async db =>
            {
                languages.UnionWith((await db.Set<Tandem.Features.GettingStarted.DirectoryProfile>().AsNoTracking().Where(p => p.IsListed).Select(p => p.Languages).ToListAsync(Ct)).SelectMany(l => l));
                names.AddRange(await db.Users.AsNoTracking().Select(u => u.DisplayName).ToListAsync(Ct));
                practices.UnionWith(await db.Practices.AsNoTracking().Select(p => p.Name).ToListAsync(Ct));
            });
            foreach (var record in index.Records.Values)
            {
                if (record.Type is "FirstConversationRequest" && record.TextOf("Name") is { } name)
                {
                    names.Add(name);
                }

                if (record.TextOf("Email") is { Length: > 0 } email)
                {
                    emails.Add(email.ToLowerInvariant());
                }
            }

            // Words of the app's own routes ("note", "guide"...) are no one's name here; a demo name that were one would be caught by the other rules.
            var routeWords = routes.Words;
            var nameWords = names.SelectMany(n => Letters().Matches(Normal(n)).Select(m => m.Value))
                .Where(w => w.Length >= 3 && !routeWords.Contains(w) && !sentinels.Any(s => s.Token.StartsWith(w, StringComparison.OrdinalIgnoreCase)))
                .ToHashSet(StringComparer.Ordinal);

            var keys = new HashSet<string>(BuiltInInstruments, StringComparer.OrdinalIgnoreCase);
            keys.UnionWith(index.OfType("PracticeInstrument").Select(r => r.TextOf("Key")).OfType<string>());
            return new Judge(shingles, nameWords, emails, practices, languages, keys, routes, texts);
        }

        /// <summary>The rules broken by one absolute URL, as (rule, detail).</summary>
        public List<(string Rule, string Detail)> Check(string absolute, int depth = 0)
        {
            var problems = new List<(string, string)>();
            var uri = new Uri(absolute);
            var sameOrigin = uri.Host == Origin.Host;
            var scrub = new List<string>();

            // Rule (b) for the path: a route of the app, with ids or tokens in its parameters (a static file has an extension).
            if (sameOrigin)
            {
                var match = _routes.Match(uri.AbsolutePath);
                var fhir = FhirFullUrl().Match(uri.AbsolutePath);
                if (match is null && fhir.Success)
                {
                    // The FHIR export names every resource {base}/fhir/{type}/{id} (an identifier in the downloaded bundle, not a page):
                    // a FHIR resource type and a record id, an audit entry's number or a questionnaire's key.
                    var id = Uri.UnescapeDataString(fhir.Groups["id"].Value);
                    if (IsId(id) || AuditResource().IsMatch(id) || InstrumentKeys.Contains(id))
                    {
                        scrub.Add(id);
                    }
                    else
                    {
                        problems.Add(("(d) path value", $"FHIR resource id '{id}' is not an id, an audit number or a questionnaire key"));
                    }
                }
                else if (match is null)
                {
                    if (!Path.HasExtension(uri.AbsolutePath))
                    {
                        problems.Add(("(b) path", $"no route of the app matches '{Decode(uri.AbsolutePath)}': text in a path segment?"));
                    }
                }
                else if (match.Values.Count == 0)
                {
                    // A fixed route of the app (a page, or a static file whose fingerprinted name is random letters): nothing personal can be in it.
                    scrub.Add(uri.AbsolutePath);
                }
                else
                {
                    foreach (var (name, value) in match.Values)
                    {
                        if (IsId(value) || (PathParameters.TryGetValue(name, out var kinds) && Accepts(kinds, value, name == "documentName" ? ["v1"] : [])))
                        {
                            scrub.Add(value);
                        }
                        else
                        {
                            problems.Add(("(d) path value", $"{{{name}}} of {match.Pattern} is '{value}': not an id, a token or a known key"));
                        }
                    }
                }
            }

            // Rules (b) and (d) for the query.
            foreach (var (name, value) in Query(uri.Query))
            {
                ParametersSeen.AddOrUpdate(name, 1, (_, n) => n + 1);
                if (!QueryAllowlist.TryGetValue(name, out var allowed))
                {
                    problems.Add(("(b) parameter", $"'{name}' is not in the query-parameter allowlist (value '{value}')"));
                    continue;
                }

                if (allowed.OnlyOn is { } only && (!sameOrigin || _routes.Match(uri.AbsolutePath)?.Pattern != only && uri.AbsolutePath != only))
                {
                    problems.Add(("(b) parameter", $"'{name}' belongs to {only} only ({allowed.Why})"));
                    continue;
                }

                if (value.Length == 0)
                {
                    continue;
                }

                if (allowed.Kinds.HasFlag(Kinds.LocalUrl))
                {
                    if (!Uri.TryCreate(uri, value, out var inner) || inner.Host != Origin.Host || inner.Scheme is not ("http" or "https"))
                    {
                        problems.Add(("(d) value", $"{name} leads away from Tandem: '{value}'"));
                    }
                    else if (depth < 3)
                    {
                        problems.AddRange(Check(inner.AbsoluteUri, depth + 1).Select(p => (p.Rule, $"in {name}: {p.Detail}")));
                        scrub.Add(value);
                    }

                    continue;
                }

                if (Accepts(allowed.Kinds, value, allowed.Words ?? []))
                {
                    scrub.Add(value);
                }
                else
                {
                    problems.Add(("(d) value", $"{name}='{value}' is not {allowed.Kinds} ({allowed.Why})"));
                }
            }

            // Rule (a): the text of the URL, ids and accepted values aside.
            var text = Normal(Decode(sameOrigin ? uri.PathAndQuery + uri.Fragment : uri.AbsoluteUri));
            foreach (var value in scrub.Where(v => v.Length > 0).OrderByDescending(v => v.Length))
            {
                text = text.Replace(Normal(value), " # ", StringComparison.Ordinal);
            }

            if (text.Contains("clinicalsentinel", StringComparison.Ordinal))
            {
                problems.Add(("(a) sentinel", "carries seeded clinical text (CLINICALSENTINEL)"));
            }

            foreach (Match m in EmailPattern().Matches(text))
            {
                problems.Add(("(a) email", _emails.Contains(m.Value) ? $"the email of a person of the practice: {m.Value}" : $"an email address: {m.Value}"));
            }

            var words = Letters().Matches(text).Select(m => m.Value).Where(_nameWords.Contains).Distinct().ToList();
            if (words.Count > 0)
            {
                problems.Add(("(a) name", "a person's name: " + string.Join(", ", words)));
            }

            for (var i = 0; i + ShingleLength <= text.Length; i++)
            {
                if (_shingles.TryGetValue(text.Substring(i, ShingleLength), out var source))
                {
                    problems.Add(("(a) clinical text", $"'{text.Substring(i, ShingleLength)}' is a run of {source}"));
                    break;
                }
            }

            return problems;
        }

        private bool Accepts(Kinds kinds, string value, string[] words) =>
            (kinds.HasFlag(Kinds.Id) && IsId(value))
            || (kinds.HasFlag(Kinds.Number) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            || (kinds.HasFlag(Kinds.Date) && (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                || (value.Length >= 16 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))))
            || (kinds.HasFlag(Kinds.Bool) && value is "true" or "false" or "True" or "False" or "1" or "0")
            || (kinds.HasFlag(Kinds.Words) && words.Contains(value, StringComparer.Ordinal))
            || (kinds.HasFlag(Kinds.PracticeName) && _practices.Contains(value.Trim()))
            || (kinds.HasFlag(Kinds.Language) && _languages.Contains(value.Trim()))
            || (kinds.HasFlag(Kinds.InstrumentKey) && InstrumentKeys.Contains(value))
            || (kinds.HasFlag(Kinds.Token) && TokenPattern().IsMatch(value))
            || (kinds.HasFlag(Kinds.Period) && System.Text.RegularExpressions.Regex.IsMatch(value, @"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"));

        private static bool IsId(string value) => Guid.TryParseExact(value, "D", out _) || Guid.TryParseExact(value, "N", out _);

        /// <summary>The query's names and values, decoded as ASP.NET Core decodes them (+ is a space).</summary>
        private static IEnumerable<(string Name, string Value)> Query(string query) =>
            query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                var name = at < 0 ? pair : pair[..at];
                var value = at < 0 ? "" : pair[(at + 1)..];
                return (Uri.UnescapeDataString(name.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
            });

        /// <summary>Percent-decoded until nothing changes (a URL inside a returnUrl is encoded twice), + as a space.</summary>
        private static string Decode(string text)
        {
            var decoded = text.Replace('+', ' ');
            for (var i = 0; i < 4; i++)
            {
                var next = Uri.UnescapeDataString(decoded);
                if (next == decoded)
                {
                    break;
                }

                decoded = next;
            }

            return decoded;
        }
    }

    private const int ShingleLength = 12;

    /// <summary>Properties of clinical records that hold codes, hashes, addresses or keys rather than words people wrote.</summary>
    private static bool NotText(string property) =>
        property.EndsWith("Hash", StringComparison.Ordinal) || property.EndsWith("Key", StringComparison.Ordinal) || property.EndsWith("Address", StringComparison.Ordinal)
        || property.EndsWith("Url", StringComparison.Ordinal) || property.EndsWith("Id", StringComparison.Ordinal) || property is "Version" or "Band" or "ReliableChange" or "ConcurrencyStamp" or "ETag";

    /// <summary>Lower case, one space between words.</summary>
    private static string Normal(string text) => Spaces().Replace(text.ToLowerInvariant(), " ");

    /// <summary>A run of a person's words, not of a path or an id: it has a space and at least six letters.</summary>
    private static bool IsWords(string shingle) => shingle.Contains(' ', StringComparison.Ordinal) && shingle.Count(char.IsLetter) >= 6;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Letters();

    [GeneratedRegex(@"[\p{L}0-9._%+-]+@[\p{L}0-9.-]+\.\p{L}{2,}")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^/fhir/[A-Z][A-Za-z]+/(?<id>[^/]+)$")]
    private static partial Regex FhirFullUrl();

    [GeneratedRegex(@"^audit-[0-9]+$")]
    private static partial Regex AuditResource();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{16,}$")]
    private static partial Regex TokenPattern();
}
