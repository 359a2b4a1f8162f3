using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Foundation;

/// <summary>
/// Issue 21, "Header": one row on a 1366 px laptop for every role (the busiest is the practice
/// admin's seven places), and on a phone the places and the account fold into one "Menu" that
/// opens, leads somewhere, and closes with Escape, accessible in both states.
/// </summary>
public sealed class HeaderTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("alex@riverside.test", 1366)]
    [InlineData("admin@riverside.test", 1366)]
    [InlineData("admin@riverside.test", 1280)]
    [InlineData("sam@riverside.test", 1366)]
    public async Task On_a_laptop_the_header_is_one_row(string email, int width)
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, new ViewportSize { Width = width, Height = 900 });
        await BrowserSession.SignInAsync(page, email);

        var header = page.Locator(".site-header");
        var items = header.Locator(".brand, .main-nav a, .account-nav a, .account-nav button, .role-badge");
        var boxes = new List<LocatorBoundingBoxResult>();
        for (var i = 0; i < await items.CountAsync(); i++)
        {
            await Assertions.Expect(items.Nth(i)).ToBeVisibleAsync();
            boxes.Add((await items.Nth(i).BoundingBoxAsync())!);
        }

        var middles = boxes.Select(b => b.Y + (b.Height / 2)).ToList();
        Assert.True(middles.Max() - middles.Min() < 8, $"{email}: the header's items sit on {middles.Select(m => Math.Round(m)).Distinct().Count()} lines (middles {string.Join(", ", middles.Select(m => Math.Round(m)))})");
        var height = (await header.BoundingBoxAsync())!.Height;
        Assert.True(height <= 80, $"{email}: the header is {height} px tall");
        Assert.False(await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).IsVisibleAsync(), "no Menu button on a laptop");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{email} at {width} px: the page is {overflow} px wider than the window (the header pushes it)");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, $"header-laptop-{email.Split('@')[0]}-{width}");
    }

    [Fact]
    public async Task On_a_phone_the_places_fold_into_a_menu_that_opens_leads_and_closes()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(page, "alex@riverside.test");

        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await Assertions.Expect(menu).ToBeVisibleAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sessions", Exact = true })).ToBeHiddenAsync();
        var headerHeight = (await page.Locator(".site-header").BoundingBoxAsync())!.Height;
        Assert.True(headerHeight <= 80, $"the closed header is {headerHeight} px tall on a phone");

        await menu.ClickAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        var main = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(main.GetByRole(AriaRole.Link, new() { Name = "Today", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "header-phone-menu-open");

        // Escape closes it and gives the focus back to the button.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(menu).ToBeFocusedAsync();

        // A place in the menu leads there, and the menu is closed on arrival.
        await menu.ClickAsync();
        await main.GetByRole(AriaRole.Link, new() { Name = "Sessions" }).ClickAsync();
        await page.WaitForURLAsync("**/sessions");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(main.GetByRole(AriaRole.Link, new() { Name = "Today", Exact = true })).ToBeHiddenAsync();
    }
}
