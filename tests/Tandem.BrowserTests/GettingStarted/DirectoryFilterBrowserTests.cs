using Microsoft.Playwright;
using Tandem.BrowserTests.Support;

namespace Tandem.BrowserTests.GettingStarted;

/// <summary>Steps through the preferences check one screen at a time, as a person does.</summary>
internal static class PreferencesCheck
{
    public const int Questions = 7;

    /// <summary>Answers each question (the value of the chosen option) and presses Next, then "See my result".</summary>
    public static async Task AnswerAllAsync(IPage page, Func<int, int> answer, string? screenshot = null, bool checkEachStep = true)
    {
        for (var i = 0; i < Questions; i++)
        {
            await Assertions.Expect(page.GetByText($"Question {i + 1} of {Questions}", new() { Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("fieldset.question")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("progress")).ToHaveAttributeAsync("value", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator($"fieldset.question input[value='{answer(i)}']").CheckAsync();
            if (checkEachStep && i is 0 or Questions - 1)
            {
                await BrowserSession.AssertAccessibleAsync(page);
                await AssertNoSidewaysScrollAsync(page);
                if (screenshot is not null)
                {
                    await BrowserSession.ScreenshotAsync(page, $"{screenshot}-{i + 1}-phone");
                }
            }

            await page.GetByRole(AriaRole.Button, new() { Name = i < Questions - 1 ? "Next" : "See my result", Exact = true }).ClickAsync();
        }
    }

    public static async Task AssertNoSidewaysScrollAsync(IPage page)
    {
        var (scroll, width) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("window.innerWidth"));
        Assert.True(scroll <= width, $"{page.Url} is {scroll} px wide in a {width} px window");
    }
}

public sealed class DirectoryFilterBrowserTests(BrowserFixture browser)
{
    private static readonly ViewportSize Laptop = new() { Width = 1366, Height = 900 };

    [Fact]
    public async Task A_visitor_on_a_phone_narrows_the_directory_searches_it_and_finds_the_way_back_from_no_matches()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var visitor = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await visitor.GotoAsync("/directory");
        await Assertions.Expect(visitor.GetByText("2 therapists", new() { Exact = true })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await PreferencesCheck.AssertNoSidewaysScrollAsync(visitor);

        // In person: only Alex meets in person.
        await visitor.GetByLabel("Where you meet").SelectOptionAsync("InPerson");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Show therapists" }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("1 therapist matches", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Alex Rivera" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Morgan Chen" })).ToHaveCountAsync(0);
        Assert.Contains("mode=InPerson", visitor.Url, StringComparison.Ordinal);
        await Assertions.Expect(visitor.GetByLabel("Where you meet")).ToHaveValueAsync("InPerson");
        await BrowserSession.AssertAccessibleAsync(visitor);
        await PreferencesCheck.AssertNoSidewaysScrollAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "directory-filtered-phone");

        // Add a language no one who meets in person speaks: a clear "no one", and a way back.
        await visitor.GetByLabel("Language", new() { Exact = true }).SelectOptionAsync("Mandarin");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Show therapists" }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("No one matches these filters.")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await PreferencesCheck.AssertNoSidewaysScrollAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "directory-no-match-phone");
        await visitor.GetByRole(AriaRole.Link, new() { Name = "Clear the filters" }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("2 therapists", new() { Exact = true })).ToBeVisibleAsync();

        // The search is posted: the words never reach the address bar.
        await visitor.GetByLabel("Search by name, approach or language").FillAsync("couples");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Show therapists" }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("1 therapist matches", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Morgan Chen" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByLabel("Search by name, approach or language")).ToHaveValueAsync("couples");
        Assert.DoesNotContain("couples", visitor.Url, StringComparison.OrdinalIgnoreCase);
        await BrowserSession.AssertAccessibleAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "directory-search-phone");
        Assert.Empty(BrowserSession.RequestsOutsideTandem(visitor));
    }

    [Fact]
    public async Task On_a_laptop_the_filters_and_the_step_by_step_check_end_in_Continue_with_Alex_with_the_format_kept()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var visitor = await BrowserSession.NewPageAsync(browser, app, Laptop);
        await visitor.GotoAsync("/directory");
        await visitor.GetByLabel("Way of working").SelectOptionAsync("ClientLed");
        await visitor.GetByLabel("Language", new() { Exact = true }).SelectOptionAsync("Spanish");
        await visitor.GetByLabel("Only therapists taking new clients").CheckAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Show therapists" }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("1 therapist matches", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Alex Rivera" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await PreferencesCheck.AssertNoSidewaysScrollAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "directory-filtered-desktop");

        // The check from the directory: a strong wish to lead the work, Back and Next on the way.
        await visitor.GetByRole(AriaRole.Link, new() { Name = "take the preferences check" }).ClickAsync();
        await visitor.Locator("fieldset.question input[value='2']").CheckAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Next", Exact = true }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("Question 2 of 7", new() { Exact = true })).ToBeVisibleAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Back", Exact = true }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("Question 1 of 7", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Locator("fieldset.question input[value='2']")).ToBeCheckedAsync();
        await BrowserSession.ScreenshotAsync(visitor, "preferences-step-desktop");
        await PreferencesCheck.AnswerAllAsync(visitor, i => i < 4 ? 2 : 0, checkEachStep: false);
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Suggested format: Client-led" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "preferences-result-desktop");

        await visitor.GetByRole(AriaRole.Button, new() { Name = "Continue with Alex (Alex Rivera)" }).ClickAsync();
        await Assertions.Expect(visitor.GetByText("You said you'd like to lead the work; Alex will see that.", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Locator("input[name=preferredFormat][value=ClientLed]")).ToBeCheckedAsync();
        await BrowserSession.AssertAccessibleAsync(visitor);
        await PreferencesCheck.AssertNoSidewaysScrollAsync(visitor);
        await BrowserSession.ScreenshotAsync(visitor, "first-conversation-format-kept-desktop");
        Assert.Empty(BrowserSession.RequestsOutsideTandem(visitor));
    }
}
