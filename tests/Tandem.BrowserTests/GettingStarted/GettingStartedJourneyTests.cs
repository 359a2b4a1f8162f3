using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.GettingStarted;

public sealed partial class GettingStartedJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_visitor_finds_Alex_takes_the_preferences_check_asks_for_a_first_conversation_and_Alex_turns_it_into_an_invitation_that_is_accepted()
    {
        await using var app = await BrowserSession.StartAppAsync();

        // An anonymous visitor on a phone: home, the directory, the guide.
        var visitor = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await visitor.GotoAsync("/");
        await visitor.GetByRole(AriaRole.Link, new() { Name = "Find a therapist", Exact = true }).First.ClickAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Find a therapist", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Alex Rivera" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Morgan Chen" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText("Lee Harper")).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "directory-phone");

        await visitor.GetByRole(AriaRole.Link, new() { Name = "Read the short guide" }).ClickAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Who it tends to suit, and who may prefer something more structured" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "guide-phone");

        // The preferences check, anonymously and one question per screen: a clear lean toward the therapist leading.
        await visitor.GetByRole(AriaRole.Link, new() { Name = "take the preferences check" }).First.ClickAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Preferences check", Level = 1 })).ToBeVisibleAsync();
        await PreferencesCheck.AnswerAllAsync(visitor, i => i < 4 ? -2 : 0, screenshot: "preferences-step");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Suggested format: Therapist-led" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText("It informs your choice; it never decides it.", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await PreferencesCheck.AssertNoSidewaysScrollAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "preferences-result-phone");

        // Carry the result into a request to Alex: the suggested format comes along, and the page says so.
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Continue with Alex (Alex Rivera)" }).ClickAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Ask Alex Rivera for a first conversation" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText("Suggested format:", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText("You said you'd like Alex to lead more of the work; Alex will see that.", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Locator("input[name=preferredFormat][value=TherapistLed]")).ToBeCheckedAsync();
        await Assertions.Expect(visitor.GetByLabel("Send my preferences result with my request")).ToBeCheckedAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);

        // A mistake first: a clear message beside the field, nothing sent.
        await visitor.GetByLabel("Your name").FillAsync("Robin Hale");
        await visitor.GetByLabel("Email", new() { Exact = false }).FillAsync("robin-at-example");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Send my request" }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("Enter a valid email address, like name@example.com.")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "first-conversation-error-phone");

        await visitor.GetByLabel("Email", new() { Exact = false }).FillAsync("robin@example.test");
        await visitor.GetByLabel("A few lines about what you are looking for").FillAsync("Since the move I feel stuck, and I would like someone to help me structure things.");
        await Assertions.Expect(visitor.Locator("input[name=preferredFormat][value=TherapistLed]")).ToBeCheckedAsync();
        await BrowserSession.ScreenshotAsync(visitor, "first-conversation-form-phone");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Send my request" }).ClickAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your request is on its way" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText("Alex Rivera will get in touch with you", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "first-conversation-sent-phone");
        Assert.Empty(BrowserSession.RequestsOutsideTandem(visitor));

        // The same public pages on a desktop.
        var desktop = await BrowserSession.NewPageAsync(browser, app);
        await desktop.GotoAsync("/directory");
        await Assertions.Expect(desktop.GetByRole(AriaRole.Heading, new() { Name = "Alex Rivera" })).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(desktop, "directory-desktop");
        await desktop.GetByRole(AriaRole.Link, new() { Name = "Ask Morgan for a first conversation (Morgan Chen)" }).ClickAsync();
        await Assertions.Expect(desktop.GetByRole(AriaRole.Heading, new() { Name = "Ask Morgan Chen for a first conversation" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(desktop);
        await BrowserSession.ScreenshotAsync(desktop, "first-conversation-form-desktop");
        await desktop.GotoAsync("/guide");
        await BrowserSession.ScreenshotAsync(desktop, "guide-desktop");

        // Alex sees the request on the caseload page and starts working together.
        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        var requests = alex.GetByRole(AriaRole.Region, new() { Name = "New first-conversation requests" });
        await Assertions.Expect(requests.GetByRole(AriaRole.Link, new() { Name = "Robin Hale" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "caseload-first-conversation-requests");
        await requests.GetByRole(AriaRole.Link, new() { Name = "Robin Hale" }).ClickAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Robin Hale", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByText("Since the move I feel stuck", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByText("A strong wish for the therapist to direct the work suggests the therapist-led format.")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "first-conversation-request-therapist");
        await Assertions.Expect(alex.Locator("input[name=format][value=TherapistLed]")).ToBeCheckedAsync();
        await alex.GetByRole(AriaRole.Button, new() { Name = "Start working together" }).ClickAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Robin Hale", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByText("Therapist-led", new() { Exact = true }).First).ToBeVisibleAsync();

        // Robin opens the invitation from the mail and joins, as with any invitation.
        var link = await InviteLinkFromDevMailAsync(alex, "robin@example.test");
        var robin = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await robin.GotoAsync(link);
        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "Welcome to Tandem" })).ToBeVisibleAsync();
        await robin.GetByLabel("Your name").FillAsync("Robin Hale");
        await robin.GetByLabel("Choose a password").FillAsync("tidepool lantern 77");
        await robin.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "Our collaboration agreement" })).ToBeVisibleAsync();
        await robin.GetByRole(AriaRole.Button, new() { Name = "I agree and sign" }).ClickAsync();
        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "Robin Hale", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(robin.GetByText("Active", new() { Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_therapist_edits_their_directory_listing_and_the_public_directory_follows()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var lee = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(lee, "lee@harbor.test");
        await lee.GetByRole(AriaRole.Link, new() { Name = "Directory listing" }).ClickAsync();
        await Assertions.Expect(lee.GetByRole(AriaRole.Heading, new() { Name = "Your directory listing" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(lee);

        await lee.GetByLabel("List me in the public directory").CheckAsync();
        await lee.GetByRole(AriaRole.Button, new() { Name = "Save my listing" }).ClickAsync();
        await Assertions.Expect(lee.GetByText("Write a few sentences about how you work before you list yourself.")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(lee);

        await lee.GetByLabel("About you, in your own words").FillAsync("I work with people living with grief and loss, at their pace.");
        await lee.GetByLabel("Approaches").FillAsync("Collaborative therapy, Narrative ideas");
        await lee.GetByLabel("Languages").FillAsync("English, Tagalog");
        await lee.GetByLabel("I am taking new clients").CheckAsync();
        await lee.GetByRole(AriaRole.Button, new() { Name = "Save my listing" }).ClickAsync();
        await Assertions.Expect(lee.GetByText("Saved. Your listing is public in the directory.")).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(lee, "directory-listing-editor");

        var visitor = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await visitor.GotoAsync("/directory?practice=Harbor");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Lee Harper" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText("English, Tagalog")).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Alex Rivera" })).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(visitor);
    }

    private static async Task<string> InviteLinkFromDevMailAsync(IPage page, string to)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            await page.GotoAsync("/dev/mail");
            var text = await page.Locator("main").InnerTextAsync();
            if (text.Contains(to, StringComparison.Ordinal) && InviteLink().Match(text) is { Success: true } match)
            {
                return match.Value;
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException("No invitation mail arrived in the development mail folder.");
    }

    [GeneratedRegex(@"https?://\S+/invitations/[A-Za-z0-9_-]+")]
    private static partial Regex InviteLink();
}
