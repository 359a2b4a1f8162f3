using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Home;

/// <summary>
/// Issue 22: every page a client reaches from their home, two links deep, on a 390x844 phone:
/// plain words (no therapist-only terms), measures named for what they are, nothing wider than
/// the screen, axe clean. One crawl for three kinds of client: Sam (client-led, alone), Riley
/// (a couple) and Kim (another practice).
/// </summary>
public sealed partial class ClientCrawlTests(BrowserFixture browser)
{
    /// <summary>The download for other systems is named "Health data file (FHIR)" by the issue itself: the one place the word may stand.</summary>
    private const string AllowedFhirLabel = "Health data file (FHIR)";

    [Fact]
    public async Task Every_page_a_client_reaches_in_two_steps_uses_plain_words_and_fits_a_phone()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var problems = new List<string>();
        var checkedWithAxe = new HashSet<string>(StringComparer.Ordinal);
        var visited = 0;

        foreach (var email in new[] { "sam@riverside.test", "riley@riverside.test", "kim@harbor.test" })
        {
            var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
            await BrowserSession.SignInAsync(page, email);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var level = new List<string> { "/" };
            for (var depth = 0; depth <= 2 && level.Count > 0; depth++)
            {
                var next = new List<string>();
                foreach (var path in level)
                {
                    if (!seen.Add(Shape(path)))
                    {
                        continue;
                    }

                    var response = await page.GotoAsync(path);
                    visited++;
                    if (response is null || response.Status >= 400)
                    {
                        problems.Add($"{email} {path}: HTTP {response?.Status}");
                        continue;
                    }

                    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                    problems.AddRange((await ProblemsOnAsync(page)).Select(p => $"{email} {path}: {p}"));
                    if (checkedWithAxe.Add(Shape(path)))
                    {
                        try
                        {
                            await BrowserSession.AssertAccessibleAsync(page);
                        }
                        catch (Xunit.Sdk.XunitException ex)
                        {
                            problems.Add($"{email} {path}: {ex.Message}");
                        }
                    }

                    if (depth < 2)
                    {
                        next.AddRange(await LinksOnAsync(page));
                    }
                }

                level = next;
            }

            await page.GotoAsync("/");
            await BrowserSession.ScreenshotAsync(page, $"crawl-home-{email.Split('@')[0]}");
        }

        Assert.True(visited > 20, $"the crawl reached only {visited} pages");
        Assert.True(problems.Count == 0, $"{problems.Count} problems on client pages:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    /// <summary>Words a client should not meet, what the page is as wide as, and every measure named plainly.</summary>
    private static async Task<IReadOnlyList<string>> ProblemsOnAsync(IPage page)
    {
        var found = new List<string>();
        var result = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            """
            () => {
                document.querySelectorAll('details').forEach(d => d.open = true);
                const labels = [...document.querySelectorAll('[aria-label],[title],[placeholder]')]
                    .map(e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder')].filter(Boolean).join(' '));
                const width = document.documentElement.clientWidth;
                const wide = [...document.body.querySelectorAll('*')]
                    .filter(e => e.getBoundingClientRect().right > width + 1)
                    .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''))
                    .slice(0, 3);
                return [document.title + '\n' + document.body.innerText + '\n' + labels.join('\n'),
                        document.documentElement.scrollWidth, width, wide.join(', ')];
            }
            """);
        var text = result[0].GetString() ?? "";
        var scrollWidth = result[1].GetInt32();
        var clientWidth = result[2].GetInt32();
        if (scrollWidth > clientWidth)
        {
            found.Add($"{scrollWidth}px wide on a {clientWidth}px screen (widest: {result[3].GetString()})");
        }

        var plain = text.Replace(AllowedFhirLabel, "", StringComparison.Ordinal);
        foreach (Match m in TherapistWords().Matches(plain))
        {
            found.Add($"says \"{Around(plain, m)}\"");
        }

        foreach (Match m in BareInstrumentName().Matches(plain))
        {
            found.Add($"names a measure without plain words: \"{Around(plain, m)}\"");
        }

        return found;
    }

    private static async Task<IReadOnlyList<string>> LinksOnAsync(IPage page)
    {
        var hrefs = await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll('a[href]')]
                .filter(a => !a.hasAttribute('download'))
                .map(a => new URL(a.href, location.href))
                .filter(u => u.origin === location.origin)
                .map(u => u.pathname + u.search)
            """);
        return hrefs.Where(h => !h.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
                && !h.StartsWith("/hubs/", StringComparison.OrdinalIgnoreCase)
                && !h.Contains("Logout", StringComparison.OrdinalIgnoreCase)
                && !h.EndsWith(".ics", StringComparison.OrdinalIgnoreCase)
                && !h.StartsWith("/_", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>One visit per kind of page: ids and numbers stand for any id.</summary>
    private static string Shape(string path) => Ids().Replace(path.Split('?')[0], "{id}");

    private static string Around(string text, Match m)
    {
        var start = Math.Max(0, m.Index - 40);
        var end = Math.Min(text.Length, m.Index + m.Length + 40);
        return text[start..end].ReplaceLineEndings(" ");
    }

    [GeneratedRegex(@"caseness|reliabl[ey] recover|NHS Talking Therapies|IAPT|T-score|FHIR|\bthe clients?\b(?!-)", RegexOptions.IgnoreCase)]
    private static partial Regex TherapistWords();

    /// <summary>"PHQ-9" and "GAD-7" only inside "Mood check (PHQ-9)" and "Worry check (GAD-7)".</summary>
    [GeneratedRegex(@"(?<!Mood check \()PHQ-9|(?<!Worry check \()GAD-7")]
    private static partial Regex BareInstrumentName();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?<=/)\d+(?=/|$)")]
    private static partial Regex Ids();
}
