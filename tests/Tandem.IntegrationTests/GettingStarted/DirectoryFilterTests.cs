using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.GettingStarted;

/// <summary>
/// The directory's filters (format, online / in person, language, taking new clients) and its free-text search (name,
/// approach, tags), run in the database on both providers, through the API and through the page without script.
/// </summary>
public sealed partial class DirectoryFilterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Three listings that differ on each filter. Alex (demo): both formats, online and in person, English and Spanish,
    /// taking new clients. Morgan: therapist-led only, online only, English and Mandarin, taking new clients.
    /// Lee: client-led only, online only, English and Tagalog, grief work, not taking new clients.
    /// </summary>
    private static async Task ThreeListingsAsync(TandemApp app)
    {
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        var profile = await morgan.GetJsonAsync("/api/directory/profile");
        using var morganSaved = await morgan.PutAsJsonAsync("/api/directory/profile", new
        {
            isListed = true, profileText = profile.Str("profileText"), approaches = new List<string> { "Collaborative therapy", "Systemic couples work" },
            languages = new List<string> { "English", "Mandarin" }, offersClientLed = false, offersTherapistLed = true, online = true, inPerson = false, acceptingNewClients = true,
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, morganSaved.StatusCode);

        using var lee = await app.ClientForAsync("lee@harbor.test");
        using var leeSaved = await lee.PutAsJsonAsync("/api/directory/profile", new
        {
            isListed = true, profileText = "I work with people living with loss, at their pace.", approaches = new List<string> { "Grief work", "Narrative ideas" },
            languages = new List<string> { "English", "Tagalog" }, offersClientLed = true, offersTherapistLed = false, online = true, inPerson = false, acceptingNewClients = false,
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, leeSaved.StatusCode);
    }

    [Fact]
    public async Task Each_filter_and_the_search_narrow_the_directory_api_and_combine()
    {
        await using var app = await TandemApp.StartAsync();
        await ThreeListingsAsync(app);
        using var anonymous = app.CreateAnonymousClient();

        async Task<List<string>> Names(string query) =>
            (await anonymous.GetJsonAsync("/api/directory" + query)).EnumerateArray().Select(e => e.Str("displayName")).ToList();

        Assert.Equal(["Lee Harper", "Alex Rivera", "Morgan Chen"], await Names(""));

        // Format, as the profiles express it.
        Assert.Equal(["Lee Harper", "Alex Rivera"], await Names("?format=ClientLed"));
        Assert.Equal(["Alex Rivera", "Morgan Chen"], await Names("?format=TherapistLed"));
        // Online / in person.
        Assert.Equal(["Alex Rivera"], await Names("?mode=InPerson"));
        Assert.Equal(["Lee Harper", "Alex Rivera", "Morgan Chen"], await Names("?mode=Online"));
        // Language: whatever the case the link or the person used.
        Assert.Equal(["Lee Harper"], await Names("?language=tagalog"));
        Assert.Equal(["Alex Rivera"], await Names("?language=Spanish"));
        Assert.Equal(["Lee Harper", "Alex Rivera", "Morgan Chen"], await Names("?language=ENGLISH"));
        // Taking new clients.
        Assert.Equal(["Alex Rivera", "Morgan Chen"], await Names("?accepting=true"));

        // Free text over the name, the approaches and the tags, case-insensitive, parts of words too.
        Assert.Equal(["Alex Rivera"], await Names("?search=RIVERA"));
        Assert.Equal(["Lee Harper"], await Names("?search=grief"));
        Assert.Equal(["Morgan Chen"], await Names("?search=systemic%20COUPLES"));
        Assert.Equal(["Morgan Chen"], await Names("?search=mandarin"));
        Assert.Equal(["Lee Harper", "Alex Rivera"], await Names("?search=narrative"));
        Assert.Equal(["Lee Harper", "Alex Rivera", "Morgan Chen"], await Names("?search=%20%20"));
        // Characters that mean something to LIKE are only characters.
        Assert.Empty(await Names("?search=%25"));
        Assert.Empty(await Names("?search=_"));

        // Combined.
        Assert.Equal(["Alex Rivera"], await Names("?format=ClientLed&accepting=true"));
        Assert.Equal(["Lee Harper"], await Names("?format=ClientLed&mode=Online&search=narrative&language=Tagalog"));
        Assert.Equal(["Morgan Chen"], await Names("?format=TherapistLed&mode=Online&language=english&accepting=true&search=couples"));
        Assert.Equal(["Lee Harper"], await Names("?practice=Harbor&mode=Online"));
        Assert.Empty(await Names("?language=Tagalog&accepting=true"));
        Assert.Empty(await Names("?format=TherapistLed&search=grief"));

        // Anything outside the lists is a sentence, not "everyone".
        foreach (var bad in new[] { "?format=Whatever", "?mode=Mars", "?accepting=maybe", "?search=" + new string('s', 101), "?language=" + new string('l', 61) })
        {
            using var response = await anonymous.GetAsync("/api/directory" + bad, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{bad}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_directory_page_filters_by_a_get_form_searches_by_post_and_says_when_no_one_matches()
    {
        await using var app = await TandemApp.StartAsync();
        await ThreeListingsAsync(app);
        using var browser = app.CreateAnonymousClient();

        // The plain filters are a GET form: a link can show a view, and nothing typed is in it.
        var page = await HtmlAsync(browser, "/directory");
        Assert.Contains("3 therapists", page, StringComparison.Ordinal);
        foreach (var field in new[] { "name=\"format\"", "name=\"mode\"", "name=\"language\"", "name=\"accepting\"", "name=\"search\"" })
        {
            Assert.Contains(field, page, StringComparison.Ordinal);
        }

        // The languages offered are the ones the listings speak.
        foreach (var language in new[] { "English", "Mandarin", "Spanish", "Tagalog" })
        {
            Assert.Matches($"<option value=\"{language}\"[^>]*>{language}</option>", page);
        }

        var inPerson = await HtmlAsync(browser, "/directory?format=TherapistLed&mode=InPerson");
        Assert.Equal(["Alex Rivera"], Cards(inPerson));
        Assert.Contains("1 therapist matches", inPerson, StringComparison.Ordinal);
        Assert.Matches("<option value=\"InPerson\" selected", inPerson);

        Assert.Equal(["Alex Rivera", "Morgan Chen"], Cards(await HtmlAsync(browser, "/directory?accepting=true")));
        Assert.Equal(["Lee Harper"], Cards(await HtmlAsync(browser, "/directory?language=Tagalog")));

        // No one: a clear state and a way back.
        var none = await HtmlAsync(browser, "/directory?language=Tagalog&accepting=true");
        Assert.Empty(Cards(none));
        Assert.Contains("No one matches these filters", none, StringComparison.Ordinal);
        Assert.Matches("<a [^>]*href=\"directory\"[^>]*>Clear the filters</a>", none);

        // The search is posted (what a person types may say something about them), with the filters it was made with.
        using var searched = await PageForms.SubmitAsync(browser, "/directory?format=ClientLed", "directory-search", new Dictionary<string, string>
        {
            ["search"] = "Grief", ["format"] = "ClientLed", ["mode"] = "", ["language"] = "",
        });
        Assert.Equal(HttpStatusCode.OK, searched.StatusCode);
        var found = await searched.Content.ReadAsStringAsync(Ct);
        Assert.Equal(["Lee Harper"], Cards(found));
        Assert.Contains("value=\"Grief\"", found, StringComparison.Ordinal);
        Assert.DoesNotMatch("href=\"[^\"]*[?&]search=", found);

        using var searchedNone = await PageForms.SubmitAsync(browser, "/directory", "directory-search", new Dictionary<string, string>
        {
            ["search"] = "grief", ["accepting"] = "true",
        });
        var noneFound = await searchedNone.Content.ReadAsStringAsync(Ct);
        Assert.Empty(Cards(noneFound));
        Assert.Contains("No one matches", noneFound, StringComparison.Ordinal);

        // Without a search, the posted filters become a plain link (so Back works as people expect).
        using var filtered = await PageForms.SubmitAsync(browser, "/directory", "directory-search", new Dictionary<string, string>
        {
            ["search"] = "", ["format"] = "ClientLed", ["mode"] = "Online", ["language"] = "English", ["accepting"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, filtered.StatusCode);
        var location = filtered.Headers.Location!.OriginalString;
        Assert.Contains("directory?", location, StringComparison.Ordinal);
        foreach (var part in new[] { "format=ClientLed", "mode=Online", "language=English", "accepting=true" })
        {
            Assert.Contains(part, location, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("search", location, StringComparison.Ordinal);

        // A malformed filter in a link is a calm sentence, never "everyone" and never a server error.
        using var bad = await browser.GetAsync("/directory?format=Whatever", Ct);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badPage = await bad.Content.ReadAsStringAsync(Ct);
        Assert.Contains("That filter is not one we know", badPage, StringComparison.Ordinal);
    }

    private static async Task<string> HtmlAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The names on the therapist cards of a directory page, in order.</summary>
    private static List<string> Cards(string html) =>
        CardHeading().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [GeneratedRegex("<h2 id=\"t-[0-9a-f]{32}\">([^<]+)</h2>")]
    private static partial Regex CardHeading();
}
