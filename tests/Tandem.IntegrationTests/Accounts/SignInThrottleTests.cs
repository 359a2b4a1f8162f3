using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 19, finding 7 and QUALITY.md S5: no hard lockout a stranger can trigger. Failures slow the account
/// and the source address down with growing delays (429 with Retry-After while waiting); the person's right
/// password from their usual place works; a fresh browser per try changes nothing; the owner is emailed once.
/// </summary>
public sealed class SignInThrottleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Home = "10.1.2.3";
    private const string Stranger = "203.0.113.9";
    private const string Phone = "198.51.100.7";

    [Fact]
    public async Task A_stranger_slows_guessing_down_but_cannot_keep_the_person_out()
    {
        await using var app = await TandemApp.StartAsync();
        const string jordan = "jordan@riverside.test";

        // Jordan signs in from home now and then: home is one of Jordan's usual places.
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(app, Home, jordan, TandemApp.DemoPassword));

        // A stranger guesses, with a fresh browser each time: 5 plain failures...
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(app, Stranger, jordan, $"guess-number-{i}"));
        }

        // ...then every further attempt waits 1, 2, 4 seconds after the last failure (even with the right password).
        var waits = new List<int>();
        for (var round = 0; round < 3; round++)
        {
            using var slowed = await PostLoginAsync(app, Stranger, jordan, TandemApp.DemoPassword);
            Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
            var wait = int.Parse(slowed.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
            waits.Add(wait);
            app.Clock.Advance(TimeSpan.FromSeconds(wait));
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(app, Stranger, jordan, $"another-guess-{round}"));
        }

        Assert.Equal([1, 2, 4], waits);

        // From a new place (a phone) Jordan waits like everyone...
        using (var early = await PostLoginAsync(app, Phone, jordan, TandemApp.DemoPassword))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        }

        // ...but at home, one of Jordan's usual places, the right password works at once: the stranger's failures do not count there.
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(app, Home, jordan, TandemApp.DemoPassword));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(app, Phone, jordan, TandemApp.DemoPassword));

        // The sign-in page answers the same while waiting: 429, Retry-After, and a sentence.
        for (var i = 0; i < 6; i++)
        {
            await LoginAsync(app, Stranger, jordan, $"page-guess-{i}");
        }

        using (var page = app.CreateClientFrom(Stranger))
        {
            using var answer = await PageForms.SignInAsync(page, jordan);
            Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
            Assert.NotNull(answer.Headers.RetryAfter);
            Assert.Contains("Too many failed attempts", await answer.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // Jordan is told by email, once for the window, not once per attempt; nothing clinical in it.
        await app.WithDbAsync(async db =>
        {
            var mails = await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().Where(m => m.To == jordan && m.Kind == "sign-in-failures").ToListAsync(Ct);
            var mail = Assert.Single(mails);
            Assert.Contains("/Account/Manage/Sessions", mail.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(Stranger, mail.TextBody, StringComparison.Ordinal);
            Assert.False((await db.Users.SingleAsync(u => u.Email == jordan, Ct)).LockoutEnd is { } end && end > app.Clock.GetUtcNow());
        });
        Figures.Print($"sign-in throttling: 5 free failures, then waits of {string.Join(", ", waits)} s; the person's usual place unaffected; 1 email to the owner");
    }

    [Fact]
    public async Task An_unknown_account_is_slowed_down_exactly_like_a_real_one()
    {
        await using var app = await TandemApp.StartAsync();
        foreach (var email in new[] { "casey@riverside.test", "nobody-here@riverside.test" })
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(app, Stranger, email, $"guess-number-{i}"));
            }
        }

        using var real = await PostLoginAsync(app, Stranger, "casey@riverside.test", "guess-again-1");
        using var ghost = await PostLoginAsync(app, Stranger, "nobody-here@riverside.test", "guess-again-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, real.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, ghost.StatusCode);
        Assert.Equal(await real.Content.ReadAsStringAsync(Ct) is var a ? Strip(a) : "", Strip(await ghost.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(real.Headers.RetryAfter?.ToString(), ghost.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Many_accounts_tried_from_one_address_slow_that_address_down_only()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Security:SignInSourceFreeFailures"] = "20" });
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(app, Stranger, $"spray-{i}@example.test", "Spring2026!!x"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(app, Stranger, "sam@riverside.test", "Spring2026!!x"));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(app, Home, "sam@riverside.test", TandemApp.DemoPassword));
    }

    private static string Strip(string problem) => System.Text.RegularExpressions.Regex.Replace(problem, "\"traceId\":\"[^\"]*\"", "");

    private static async Task<HttpStatusCode> LoginAsync(TandemApp app, string from, string email, string password)
    {
        using var response = await PostLoginAsync(app, from, email, password);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> PostLoginAsync(TandemApp app, string from, string email, string password)
    {
        using var client = app.CreateClientFrom(from);
        return await client.PostAsJsonAsync("/api/auth/login", new { email, password }, Ct);
    }
}
