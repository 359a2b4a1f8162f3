using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.Plans;

public sealed class PlanLiveTests(BrowserFixture browser)
{
    private static async Task<IPage> OpenPlanAsync(BrowserFixture browser, Tandem.IntegrationTests.Support.TandemApp app, string email, string engagementTitle, ViewportSize? viewport = null)
    {
        var page = await BrowserSession.NewPageAsync(browser, app, viewport);
        await BrowserSession.SignInAsync(page, email);
        if (email.StartsWith("alex", StringComparison.Ordinal) || email.StartsWith("morgan", StringComparison.Ordinal))
        {
            await page.GetByRole(AriaRole.Link, new() { Name = engagementTitle }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Our plan" }).ClickAsync();
        }
        else
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Our plan" }).First.ClickAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Our plan" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Goals" })).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task Client_led_Sams_goal_applies_at_once_and_Alexs_waits_for_Sam_each_showing_live()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var sam = await OpenPlanAsync(browser, app, "sam@riverside.test", "Finding my footing again", BrowserSession.Phone);
        var alex = await OpenPlanAsync(browser, app, "alex@riverside.test", "Finding my footing again");
        await BrowserSession.AssertAccessibleAsync(sam);
        await BrowserSession.ScreenshotAsync(sam, "plan-client-phone");
        await BrowserSession.AssertAccessibleAsync(alex);
        await BrowserSession.ScreenshotAsync(alex, "plan-therapist");

        // Sam adds a goal: applied at once, and Alex's open page shows it without a reload.
        await sam.GetByText("Add a goal").ClickAsync();
        await sam.GetByLabel("The goal, in your own words").FillAsync("Cook a proper meal twice a week");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Add the goal" }).ClickAsync();
        await Assertions.Expect(sam.GetByText("The goal is in the plan.")).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Cook a proper meal twice a week" })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByText("Sam Okafor changed", new() { Exact = false })).ToBeVisibleAsync();

        // Alex proposes one: it waits for Sam, whose page offers it live.
        await alex.GetByText("Propose a goal").ClickAsync();
        await alex.GetByLabel("The goal, in the client's words").FillAsync("Write three lines in a journal each evening");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Propose the goal" }).ClickAsync();
        // The demo already has one of Alex's proposals waiting for Sam: look at the new one, and only one of it.
        var othersRegion = alex.GetByRole(AriaRole.Region, new() { Name = "Waiting for others" });
        var mine = othersRegion.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Write three lines in a journal each evening" });
        await Assertions.Expect(mine).ToHaveCountAsync(1);
        await Assertions.Expect(mine).ToContainTextAsync("waiting for Sam Okafor");
        await Assertions.Expect(othersRegion.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Write three lines in a journal each evening" })).ToHaveCountAsync(0);

        var waiting = sam.GetByRole(AriaRole.Region, new() { Name = "Waiting for your answer" });
        await Assertions.Expect(waiting.GetByText("Write three lines in a journal each evening", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(sam, "plan-waiting-phone");
        await waiting.Locator(".proposal", new() { HasText = "Write three lines in a journal each evening" }).GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Write three lines in a journal each evening" })).ToBeVisibleAsync();
        await Assertions.Expect(alex.GetByRole(AriaRole.Heading, new() { Name = "Write three lines in a journal each evening" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Therapist_led_Jordans_proposal_waits_for_Alex_and_the_couple_needs_both()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var jordan = await OpenPlanAsync(browser, app, "jordan@riverside.test", "Settling after the move");
        var alex = await OpenPlanAsync(browser, app, "alex@riverside.test", "Settling after the move");
        await jordan.GetByLabel("Propose a question").FillAsync("What would a good Sunday look like here?");
        await jordan.GetByRole(AriaRole.Button, new() { Name = "Propose", Exact = true }).ClickAsync();
        await Assertions.Expect(jordan.GetByText("Your question is proposed.")).ToBeVisibleAsync();
        var alexWaiting = alex.GetByRole(AriaRole.Region, new() { Name = "Waiting for your answer" });
        await Assertions.Expect(alexWaiting.GetByText("What would a good Sunday look like here?", new() { Exact = false })).ToBeVisibleAsync();
        await alexWaiting.GetByText("Add the question “What would a good Sunday", new() { Exact = false })
            .Locator("xpath=ancestor::div[contains(@class,'proposal')]").GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Assertions.Expect(jordan.GetByRole(AriaRole.Region, new() { Name = "What we are curious about" }).GetByText("What would a good Sunday look like here?")).ToBeVisibleAsync();

        var morgan = await OpenPlanAsync(browser, app, "morgan@riverside.test", "Riley and Avery: listening again");
        var riley = await OpenPlanAsync(browser, app, "riley@riverside.test", "Riley and Avery");
        var avery = await OpenPlanAsync(browser, app, "avery@riverside.test", "Riley and Avery");
        await morgan.GetByText("Propose a goal").ClickAsync();
        await morgan.GetByLabel("The goal, in the client's words").FillAsync("Take turns choosing the weekend plan");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Propose the goal" }).ClickAsync();

        foreach (var partner in new[] { riley, avery })
        {
            var region = partner.GetByRole(AriaRole.Region, new() { Name = "Waiting for your answer" });
            var card = region.Locator(".proposal", new() { HasText = "Take turns choosing the weekend plan" });
            await Assertions.Expect(card).ToBeVisibleAsync();
            await card.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            if (partner == riley)
            {
                // One partner is not enough.
                await Assertions.Expect(morgan.GetByRole(AriaRole.Heading, new() { Name = "Take turns choosing the weekend plan" })).ToHaveCountAsync(0);
            }
        }

        var goal = morgan.Locator(".goal", new() { HasText = "Take turns choosing the weekend plan" });
        await Assertions.Expect(goal.GetByText("Agreed", new() { Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(morgan);
    }
}
