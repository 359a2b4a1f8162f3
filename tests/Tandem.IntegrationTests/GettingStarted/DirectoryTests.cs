using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Accounts;
using Tandem.Features.GettingStarted;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.GettingStarted;

/// <summary>The public directory: who appears, and that nothing else leaves through it.</summary>
public sealed partial class DirectoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] AlexAndMorgan = ["Alex Rivera", "Morgan Chen"];

    private static readonly string[] PublicFields =
        ["id", "displayName", "pronouns", "profileText", "approaches", "formats", "languages", "modes", "acceptingNewClients", "practiceName"];

    [Fact]
    public async Task Directory_lists_only_opted_in_active_therapists_across_practices()
    {
        await using var app = await TandemApp.StartAsync();
        using var anonymous = app.CreateAnonymousClient();

        var names = Names(await anonymous.GetJsonAsync("/api/directory"));
        Assert.Equal(AlexAndMorgan, names);

        // Lee (Harbor) opts in: listed, under Harbor, from the other practice.
        using var lee = await app.ClientForAsync("lee@harbor.test");
        using var optIn = await lee.PutAsJsonAsync("/api/directory/profile", new
        {
            isListed = true, profileText = "I work with grief and loss.", approaches = new List<string> { "Collaborative therapy" }, languages = new List<string> { "English" },
            offersClientLed = true, offersTherapistLed = false, online = true, inPerson = false, acceptingNewClients = false,
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, optIn.StatusCode);
        var all = await anonymous.GetJsonAsync("/api/directory");
        // Ordered by practice, then name.
        Assert.Equal(["Lee Harper", "Alex Rivera", "Morgan Chen"], Names(all));
        Assert.Equal("Harbor", all.EnumerateArray().Single(e => e.Str("displayName") == "Lee Harper").Str("practiceName"));
        Assert.Equal(["Lee Harper"], Names(await anonymous.GetJsonAsync("/api/directory?practice=harbor")));
        Assert.Equal(AlexAndMorgan, Names(await anonymous.GetJsonAsync("/api/directory?practice=Riverside")));

        // Morgan is deactivated by the admin: gone from the directory at once, and cannot be asked any more.
        var morganListing = await DirectorySteps.ListingOfAsync(app, "Morgan Chen");
        var morganId = await Accounts.SignInTests.IdOf(app, "morgan@riverside.test");
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var deactivated = await admin.PostAsync($"/api/practice/people/{morganId}/deactivate", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, deactivated.StatusCode);
        Assert.Equal(["Lee Harper", "Alex Rivera"], Names(await anonymous.GetJsonAsync("/api/directory")));
        Assert.Equal(HttpStatusCode.NotFound, await anonymous.StatusOfGetAsync($"/first-conversation/{morganListing}"));
        using var toMorgan = await DirectorySteps.PostRawAsync(anonymous, DirectorySteps.Valid(morganListing));
        Assert.Equal(HttpStatusCode.NotFound, toMorgan.StatusCode);

        // Lee opts out again: gone.
        using var optOut = await lee.PutAsJsonAsync("/api/directory/profile", new { isListed = false, profileText = "", offersClientLed = true, online = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);
        Assert.Equal(["Alex Rivera"], Names(await anonymous.GetJsonAsync("/api/directory")));
    }

    [Fact]
    public async Task Public_directory_responses_hold_exactly_what_the_database_says_is_public()
    {
        await using var app = await TandemApp.StartAsync();
        using var anonymous = app.CreateAnonymousClient();
        using var raw = await anonymous.GetAsync("/api/directory", Ct);
        var json = await raw.Content.ReadAsStringAsync(Ct);
        var list = JsonDocument.Parse(json).RootElement;

        // What the database says is public: listed profiles of active therapists, with their user and practice.
        List<(DirectoryProfile Profile, TandemUser User, string Practice)> expected = [];
        List<TandemUser> everyone = [];
        await app.WithDbAsync(async db =>
        {
            everyone = await db.Users.AsNoTracking().ToListAsync(Ct);
            var practices = await db.Practices.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, Ct);
            var profiles = await db.Set<DirectoryProfile>().AsNoTracking().Where(p => p.IsListed).ToListAsync(Ct);
            expected = profiles.Select(p => (p, everyone.Single(u => u.Id == p.UserId), practices[p.PracticeId]))
                .Where(x => x.Item2.IsActive && x.Item2.Role == PersonRole.Therapist).ToList();
        });

        Assert.Equal(expected.Count, list.GetArrayLength());
        foreach (var entry in list.EnumerateArray())
        {
            Assert.Equal(PublicFields.Order(), entry.EnumerateObject().Select(p => p.Name).Order());
            var (profile, user, practice) = Assert.Single(expected, x => x.Profile.Id == entry.Id());
            Assert.NotEqual(user.Id, entry.Id());
            Assert.Equal(user.DisplayName, entry.Str("displayName"));
            Assert.Equal(user.Pronouns, entry.GetProperty("pronouns").GetString());
            Assert.Equal(profile.ProfileText, entry.Str("profileText"));
            Assert.Equal(profile.Approaches, Strings(entry, "approaches"));
            Assert.Equal(profile.Languages, Strings(entry, "languages"));
            Assert.Equal(Expected(("ClientLed", profile.OffersClientLed), ("TherapistLed", profile.OffersTherapistLed)), Strings(entry, "formats"));
            Assert.Equal(Expected(("Online", profile.Online), ("InPerson", profile.InPerson)), Strings(entry, "modes"));
            Assert.Equal(profile.AcceptingNewClients, entry.GetProperty("acceptingNewClients").GetBoolean());
            Assert.Equal(practice, entry.Str("practiceName"));
        }

        // Nothing private anywhere in the public answers: the JSON, the directory page, a request page, the guide.
        var listing = list.EnumerateArray().First().Id();
        var pages = new Dictionary<string, string> { ["GET /api/directory"] = json };
        foreach (var path in new[] { "/directory", $"/first-conversation/{listing}", "/guide", "/guide/preferences-check", "/first-conversation/sent?to=" + listing })
        {
            using var page = await anonymous.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            pages[path] = await page.Content.ReadAsStringAsync(Ct);
        }

        var listedIds = expected.Select(x => x.User.Id).ToHashSet();
        foreach (var (path, body) in pages)
        {
            Assert.DoesNotMatch(EmailPattern(), body);
            foreach (var person in everyone)
            {
                Assert.DoesNotContain(person.Id.ToString(), body, StringComparison.OrdinalIgnoreCase);
                if (!listedIds.Contains(person.Id))
                {
                    // Clients, admins and therapists who did not opt in (Lee) never appear.
                    Assert.False(body.Contains(person.DisplayName, StringComparison.Ordinal), $"{path} names {person.DisplayName}");
                }
            }
        }

        var directoryPage = pages["/directory"];
        foreach (var (profile, user, _) in expected)
        {
            Assert.Contains(user.DisplayName, directoryPage, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(profile.ProfileText), directoryPage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Public_pages_are_anonymous_and_carry_the_security_headers()
    {
        await using var app = await TandemApp.StartAsync();
        using var anonymous = app.CreateAnonymousClient();
        var listing = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        foreach (var path in new[] { "/directory", "/guide", "/guide/preferences-check", $"/first-conversation/{listing}", "/first-conversation/sent", "/api/directory" })
        {
            using var response = await anonymous.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            Assert.True(response.Headers.CacheControl?.NoStore, path);
        }

        // Therapist-only pages and API stay closed.
        Assert.Equal(HttpStatusCode.Redirect, await anonymous.StatusOfGetAsync("/directory/profile"));
        Assert.Equal(HttpStatusCode.Unauthorized, await anonymous.StatusOfGetAsync("/api/directory/requests"));
        Assert.Equal(HttpStatusCode.Unauthorized, await anonymous.StatusOfGetAsync("/api/directory/profile"));
    }

    private static List<string> Names(JsonElement list) => list.EnumerateArray().Select(e => e.Str("displayName")).ToList();

    private static List<string> Strings(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!).ToList();

    private static List<string> Expected(params (string Name, bool On)[] flags) => flags.Where(f => f.On).Select(f => f.Name).ToList();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();
}
