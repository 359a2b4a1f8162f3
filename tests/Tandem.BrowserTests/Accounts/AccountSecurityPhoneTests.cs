using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpNet;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Accounts;

/// <summary>
/// Issue 22, account pages in Tandem's voice, on a 390x844 phone: two-step sign-in set up from the same phone (the
/// authenticator link and a key copied with one tap), recovery codes copied or saved as a file without going back
/// to the server, and a passkey removed only after saying yes.
/// </summary>
public sealed partial class AccountSecurityPhoneTests(BrowserFixture browser)
{
    [Fact]
    public async Task Two_step_sign_in_is_set_up_on_a_phone_from_the_copied_key_and_then_shows_as_on()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await PhoneWithClipboardAsync(app);
        await BrowserSession.SignInAsync(page, "sam@riverside.test");

        await page.GotoAsync("/Account/Manage/TwoFactorAuthentication");
        await Assertions.Expect(page.GetByText("Two-step sign-in: off")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "two-step-off-phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "Set up two-step sign-in" }).ClickAsync();
        var shownKey = await page.Locator("kbd").InnerTextAsync();
        var key = shownKey.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

        var open = page.GetByRole(AriaRole.Link, new() { Name = "Open in your authenticator app" });
        // The address the QR code holds: the app files the account as Tandem's, for this person, with this key.
        Assert.Equal($"otpauth://totp/Tandem:sam@riverside.test?secret={key}&issuer=Tandem&digits=6", Uri.UnescapeDataString((await open.GetAttributeAsync("href"))!));
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code holding the key above" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy key", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Copied" })).ToHaveCountAsync(1);
        Assert.Equal(key, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "two-step-set-up-phone");
        await page.SetViewportSizeAsync(1366, 900);
        await AssertFitsAsync(page);
        await BrowserSession.ScreenshotAsync(page, "two-step-set-up-1366");
        await page.SetViewportSizeAsync(BrowserSession.Phone.Width, BrowserSession.Phone.Height);

        var totp = new Totp(Base32Encoding.ToBytes(key));
        await page.GetByLabel("Code from the app").FillAsync(totp.ComputeTotp(app.Clock.GetUtcNow().UtcDateTime));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Your recovery codes" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(10);

        await page.GotoAsync("/Account/Manage/TwoFactorAuthentication");
        await Assertions.Expect(page.GetByText("Two-step sign-in: on")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("10 recovery codes left")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "two-step-on-phone");
    }

    [Fact]
    public async Task Recovery_codes_are_copied_and_downloaded_as_a_text_file_without_going_back_to_the_server()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await PhoneWithClipboardAsync(app);
        await BrowserSession.SignInAsync(page, "sam@riverside.test");
        await TurnOnTwoStepAsync(page, app);

        await page.GotoAsync("/Account/Manage/GenerateRecoveryCodes");
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Make new recovery codes" }).ClickAsync();
        var list = page.GetByRole(AriaRole.List, new() { Name = "Your recovery codes" });
        await Assertions.Expect(list.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(10);
        var codes = (await list.GetByRole(AriaRole.Listitem).AllInnerTextsAsync()).Select(c => c.Trim()).ToList();
        Assert.All(codes, c => Assert.Matches("^[A-Z0-9]{5}-[A-Z0-9]{5}$", c));
        await Assertions.Expect(page.GetByText("each works once", new() { Exact = false })).ToBeVisibleAsync();

        // From here on nothing the page sends may carry a code: copying and saving happen in the browser.
        var sent = new List<string>();
        page.Request += (_, request) => sent.Add(request.Url + " " + request.PostData);

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy all", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Copied" })).ToHaveCountAsync(1);
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(codes, copied.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => CodeLine().IsMatch(l)));

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download as a text file" }).ClickAsync());
        Assert.Equal("tandem-recovery-codes.txt", download.SuggestedFilename);
        Assert.StartsWith("blob:", download.Url, StringComparison.Ordinal);
        var file = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Equal(codes, file.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => CodeLine().IsMatch(l)));
        Assert.Contains("each works once", file, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(sent, s => codes.Any(c => s.Contains(c, StringComparison.OrdinalIgnoreCase)));

        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "recovery-codes-phone");
    }

    [Fact]
    public async Task Removing_a_passkey_asks_first_and_keep_it_keeps_it()
    {
        await using var app = await BrowserSession.StartAppAsync();
        // WebAuthn needs a host name, not an IP address, as its relying party.
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone, baseUrl: BrowserSession.BaseUrl(app).Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
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
        await BrowserSession.SignInAsync(page, "sam@riverside.test");

        await page.GotoAsync("/Account/Manage/Passkeys");
        await Assertions.Expect(page.GetByText("screen lock", new() { Exact = false }).First).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "passkeys-none-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a new passkey" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("RenamePasskey"));
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await page.GetByLabel("Passkey name").FillAsync("Sam's phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the name" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Sam's phone" })).ToHaveCountAsync(1);
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "passkeys-phone");
        await page.SetViewportSizeAsync(1366, 900);
        await AssertFitsAsync(page);
        await BrowserSession.ScreenshotAsync(page, "passkeys-1366");
        await page.SetViewportSizeAsync(BrowserSession.Phone.Width, BrowserSession.Phone.Height);

        await page.GetByRole(AriaRole.Link, new() { Name = "Remove Sam's phone" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Remove the passkey 'Sam's phone'?")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("You will no longer be able to sign in with it on that device.")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "passkey-remove-confirm-phone");
        await page.GetByRole(AriaRole.Link, new() { Name = "Keep it", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Sam's phone" })).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Remove Sam's phone" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The passkey 'Sam's phone' is removed.");
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Sam's phone" })).ToHaveCountAsync(0);
        await AssertFitsAsync(page);
    }

    private async Task<IPage> PhoneWithClipboardAsync(TandemApp app)
    {
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        return page;
    }

    /// <summary>Turns two-step sign-in on through the set-up page, as a person does, and leaves the browser signed in.</summary>
    private static async Task TurnOnTwoStepAsync(IPage page, TandemApp app)
    {
        await page.GotoAsync("/Account/Manage/EnableAuthenticator");
        var key = (await page.Locator("kbd").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var totp = new Totp(Base32Encoding.ToBytes(key));
        await page.GetByLabel("Code from the app").FillAsync(totp.ComputeTotp(app.Clock.GetUtcNow().UtcDateTime));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByText("recovery codes", new() { Exact = false }).First).ToBeVisibleAsync();
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{page.Url}: the page is {overflow} px wider than the phone's window");
    }

    [GeneratedRegex("^[A-Z0-9]{5}-[A-Z0-9]{5}$")]
    private static partial Regex CodeLine();
}
