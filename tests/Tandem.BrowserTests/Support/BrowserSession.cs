using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Support;

/// <summary>Helpers every browser test uses: the app on real Kestrel, signed-in pages, axe and screenshots.</summary>
public static class BrowserSession
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    public static readonly ViewportSize Narrow = new() { Width = 360, Height = 740 };

    public static async Task<TandemApp> StartAppAsync(bool seeded = true, bool formerClients = false) =>
        await TandemApp.StartAsync(seeded: seeded, kestrel: true, formerClients: formerClients);

    public static string BaseUrl(TandemApp app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    public static async Task<IPage> NewPageAsync(BrowserFixture browser, TandemApp app, ViewportSize? viewport = null, ColorScheme scheme = ColorScheme.Light, string? baseUrl = null)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl ?? BaseUrl(app),
            ViewportSize = viewport ?? Desktop,
            ColorScheme = scheme,
            Locale = "en-GB",
        });
        // Closed when the test's app stops: a page left open on a stopped server keeps trying to
        // reconnect and, test after test, eats the CPU the later tests need.
        app.OnDispose(async () => await context.CloseAsync());
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(45_000);
        // Tandem never calls out to the internet: every request that leaves the loopback
        // host is refused and remembered, and tests can assert there were none.
        var outside = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var host = new Uri(route.Request.Url).Host;
            if (host is "127.0.0.1" or "localhost" || route.Request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
                return;
            }

            lock (outside)
            {
                outside.Add(route.Request.Url);
            }

            await route.AbortAsync();
        });
        var page = await context.NewPageAsync();
        OutsideRequests.AddOrUpdate(page, outside);
        return page;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> OutsideRequests = [];

    public static IReadOnlyList<string> RequestsOutsideTandem(IPage page)
    {
        if (!OutsideRequests.TryGetValue(page, out var list))
        {
            return [];
        }

        lock (list)
        {
            return list.ToArray();
        }
    }

    public static async Task SignInAsync(IPage page, string email, string password = TandemApp.DemoPassword)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        }
        catch (TimeoutException ex)
        {
            throw new Xunit.Sdk.XunitException($"{email} is still on {page.Url} after signing in; the page said: {await page.Locator("body").InnerTextAsync()}", ex);
        }
    }

    /// <summary>
    /// Follows a link as a person would, and waits until its page is the one shown. A click that lands while the page's
    /// interactive parts are still connecting can be swallowed by the framework (CI once stayed 30 s on the client's home
    /// after clicking its footer link; dotnet/aspnetcore#59657 is of that family): a person clicks again, and so does
    /// this, once, after 5 s. A link that really leads nowhere still fails, naming the page it stayed on.
    /// </summary>
    public static async Task FollowLinkAsync(IPage page, string linkName, string pathEnd)
    {
        var link = page.GetByRole(AriaRole.Link, new() { Name = linkName });
        bool Arrived(string url) => new Uri(url).AbsolutePath.EndsWith(pathEnd, StringComparison.Ordinal);
        await link.ClickAsync();
        try
        {
            await page.WaitForURLAsync(Arrived, new() { Timeout = 5000 });
        }
        catch (TimeoutException)
        {
            Console.WriteLine($"figure: a click on \"{linkName}\" left {page.Url} unchanged for 5 s; clicked again");
            await link.ClickAsync();
            try
            {
                await page.WaitForURLAsync(Arrived, new() { Timeout = 20000 });
            }
            catch (TimeoutException ex)
            {
                throw new Xunit.Sdk.XunitException($"Two clicks on \"{linkName}\" did not lead to …{pathEnd}; still on {page.Url}", ex);
            }
        }
    }

    /// <summary>Fails on any serious or critical axe violation, naming each.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(serious.Count == 0, $"axe on {page.Url}:{Environment.NewLine}{string.Join(Environment.NewLine, serious)}");
    }

    /// <summary>Fails when the page is wider than its window (a phone would scroll sideways).</summary>
    public static async Task AssertNoSidewaysScrollAsync(IPage page)
    {
        // Measured once the page and its style sheets have loaded: a full-page form answer can be in the DOM (the
        // status text the test waited for) while tandem.css is still on its way, and an unstyled table is wider than
        // a phone (CI once measured 482px here on a busy machine). A page that really scrolls sideways still fails:
        // it is measured again for up to 5 s and the last measure is the one judged.
        await page.WaitForLoadStateAsync(LoadState.Load);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet !== null)");
        int[] sizes = [];
        for (var attempt = 0; attempt < 25; attempt++)
        {
            sizes = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            if (sizes[0] <= sizes[1]) return;
            await Task.Delay(200);
        }
        Assert.True(sizes[0] <= sizes[1], $"{page.Url} is {sizes[0]}px wide in a {sizes[1]}px window");
    }

    /// <summary>An API client signed in as a demo person, against the app on Kestrel (the in-memory client has no socket to reach it).</summary>
    public static async Task<HttpClient> ApiAsync(TandemApp app, string email)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl(app) + "/") };
        var tokens = await client.PostJsonAsync("/api/auth/login", new { email, password = TandemApp.DemoPassword }, System.Net.HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.Str("accessToken"));
        return client;
    }

    /// <summary>The id of the newest audit entry: entries after it were written by what a test does next.</summary>
    public static async Task<long> LastAuditEntryAsync(TandemApp app)
    {
        long last = 0;
        await app.WithDbAsync(async db => last = await db.AuditEntries.MaxAsync(e => (long?)e.Id) ?? 0);
        return last;
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
