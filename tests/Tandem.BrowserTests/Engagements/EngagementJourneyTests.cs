using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Engagements;

public sealed partial class EngagementJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Alex_starts_an_engagement_invites_a_new_client_who_joins_signs_and_lands_on_it()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");

        await alex.GetByRole(AriaRole.Link, new() { Name = "Start an engagement" }).ClickAsync();
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "engagement-new");
        await alex.GetByLabel("Name").FillAsync("Quiet mornings");
        await alex.GetByText("Client-led", new() { Exact = false }).First.ClickAsync();
        await alex.GetByRole(AriaRole.Button, new() { Name = "Start the engagement" }).ClickAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Quiet mornings" })).ToBeVisibleAsync();

        await alex.GetByLabel("Email address").FillAsync("robin@example.test");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Assertions.Expect(alex.GetByText("The invitation is on its way.")).ToBeVisibleAsync();

        // The invite link, from the development mail folder (as a person would get it by email).
        var link = await InviteLinkFromDevMailAsync(alex, "robin@example.test");

        var robin = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await robin.GotoAsync(link);
        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "Welcome to Tandem" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(robin);
        await BrowserSession.ScreenshotAsync(robin, "invitation-accept-phone");
        await robin.GetByLabel("Your name").FillAsync("Robin Hale");
        await robin.GetByLabel("Choose a password").FillAsync("tidepool lantern 77");
        await robin.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();

        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "Our collaboration agreement" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(robin);
        await BrowserSession.ScreenshotAsync(robin, "agreement-phone");
        await robin.GetByRole(AriaRole.Button, new() { Name = "I agree and sign" }).ClickAsync();

        await Assertions.Expect(robin.GetByRole(AriaRole.Heading, new() { Name = "Quiet mornings" })).ToBeVisibleAsync();
        await Assertions.Expect(robin.GetByText("Active", new() { Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(robin);
        await BrowserSession.ScreenshotAsync(robin, "engagement-client-phone");

        await alex.ReloadAsync();
        var people = alex.GetByRole(AriaRole.Region, new() { Name = "Who is here" });
        await Assertions.Expect(people.GetByText("Robin Hale")).ToBeVisibleAsync();
        await Assertions.Expect(people.GetByText("Signed the agreement")).ToHaveCountAsync(1);
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "engagement-therapist");
    }

    [Fact]
    public async Task Caseload_and_client_home_show_the_demo_engagements_accessibly()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var alex = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(alex, "alex@riverside.test");
        await Assertions.Expect(alex.GetByRole(AriaRole.Link, new() { Name = "Finding my footing again" })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Link, new() { Name = "Settling after the move" })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByText("Riley and Avery")).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "caseload");

        var riley = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await BrowserSession.SignInAsync(riley, "riley@riverside.test");
        await Assertions.Expect(riley.GetByRole(AriaRole.Link, new() { Name = "Riley and Avery: listening again" })).ToBeVisibleAsync();
        await Assertions.Expect(riley.GetByText("Therapist-led")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(riley);
        await BrowserSession.ScreenshotAsync(riley, "client-home-couple-phone");

        var admin = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(admin, "admin@riverside.test");
        await admin.GotoAsync("/practice/engagements");
        await Assertions.Expect(admin.GetByRole(AriaRole.Cell, new() { NameRegex = new Regex("Riley Brooks") })).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByText("Finding my footing again")).ToHaveCountAsync(0);
        await BrowserSession.AssertAccessibleAsync(admin);
        await BrowserSession.ScreenshotAsync(admin, "admin-engagements");

        var response = await admin.GotoAsync("/engagements/" + Guid.NewGuid());
        Assert.Equal(404, response!.Status);
    }

    private static async Task<string> InviteLinkFromDevMailAsync(IPage page, string to)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            await page.GotoAsync("/dev/mail");
            var text = await page.Locator("main").InnerTextAsync();
            if (text.Contains(to, StringComparison.Ordinal) && InviteLink().Match(text) is { Success: true } match)
            {
                await page.GoBackAsync();
                return match.Value;
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException("No invitation mail arrived in the development mail folder.");
    }

    [GeneratedRegex(@"https?://\S+/invitations/[A-Za-z0-9_-]+")]
    private static partial Regex InviteLink();
}
