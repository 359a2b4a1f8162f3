using Microsoft.Playwright;
using OtpNet;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Foundation;

public sealed class AccountSecurityTests(BrowserFixture browser)
{
    [Fact]
    public async Task First_run_setup_page_creates_the_practice_and_lands_on_the_admin_home()
    {
        await using var app = await BrowserSession.StartAppAsync(seeded: false);
        var page = await BrowserSession.NewPageAsync(browser, app);

        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/setup$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up your practice" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "setup");

        await page.GetByLabel("Setup code").FillAsync(TandemApp.SetupCode);
        await page.GetByLabel("Practice name").FillAsync("Willow Counselling");
        await page.GetByLabel("Time zone").SelectOptionAsync("Europe/Dublin");
        await page.GetByLabel("Your name").FillAsync("Ada Byrne");
        await page.GetByLabel("Email").FillAsync("ada@willow.test");
        await page.GetByLabel("Password").FillAsync("quiet meadow lantern 42");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create practice" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your practice" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Ada Byrne")).ToBeVisibleAsync();
        var response = await page.GotoAsync("/setup");
        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task Deactivated_person_is_signed_out_at_their_next_step()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sam = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(sam, "sam@riverside.test");
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Your space" })).ToBeVisibleAsync();

        var admin = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(admin, "admin@riverside.test");
        await admin.GotoAsync("/practice/people");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Deactivate Sam Okafor" }).ClickAsync();
        await Assertions.Expect(admin.GetByText("Sign Sam Okafor out everywhere?")).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(admin, "admin-people-confirm");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Yes, deactivate" }).ClickAsync();
        await Assertions.Expect(admin.GetByText("Sam Okafor is deactivated and signed out everywhere.")).ToBeVisibleAsync();

        await sam.GotoAsync("/Account/Manage");
        await Assertions.Expect(sam).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Authenticator_app_can_be_turned_on_and_is_then_asked_for_at_sign_in()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(page, "morgan@riverside.test");

        await page.GotoAsync("/Account/Manage/EnableAuthenticator");
        var key = (await page.Locator("kbd").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code holding the key above" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "enable-authenticator");
        var totp = new Totp(Base32Encoding.ToBytes(key));
        // Codes by the app's own clock (a test clock that does not move by itself).
        await page.GetByLabel("Code from the app").FillAsync(totp.ComputeTotp(app.Clock.GetUtcNow().UtcDateTime));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        try
        {
            await Assertions.Expect(page.GetByText("recovery codes", new() { Exact = false }).First).ToBeVisibleAsync();
        }
        catch (PlaywrightException ex)
        {
            // Seen once under load: say what the page showed instead (a refused code? still posting?).
            throw new Xunit.Sdk.XunitException($"No recovery codes at {page.Url} after verifying the code; the page said: {await page.Locator("body").InnerTextAsync()}", ex);
        }

        // Sign out, then sign in again: the code is now required.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync("morgan@riverside.test");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Tandem.IntegrationTests.Support.TandemApp.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("LoginWith2fa"));
        await BrowserSession.AssertAccessibleAsync(page);
        // Each code works once (issue 19, finding 12): the one used to turn the app on is spent, so take the next one.
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Authenticator code").FillAsync(totp.ComputeTotp(app.Clock.GetUtcNow().UtcDateTime));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_passkey_can_be_added_and_used_to_sign_in()
    {
        await using var app = await BrowserSession.StartAppAsync();
        // WebAuthn needs a host name, not an IP address, as its relying party.
        var page = await BrowserSession.NewPageAsync(browser, app, baseUrl: BrowserSession.BaseUrl(app).Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });

        await BrowserSession.SignInAsync(page, "casey@riverside.test");
        await page.GotoAsync("/Account/Manage/Passkeys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a new passkey" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("RenamePasskey"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/Account/Login");
        // Chromium may offer the passkey by itself (conditional mediation) as soon as the page
        // loads; otherwise the person presses the button.
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" });
        try
        {
            await button.ClickAsync(new() { Timeout = 3_000 });
        }
        catch (TimeoutException)
        {
            Assert.DoesNotContain("/Account/Login", page.Url, StringComparison.Ordinal);
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your space" })).ToBeVisibleAsync();
    }
}
