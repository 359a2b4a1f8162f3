using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Accounts;

/// <summary>Issue 26, item 3: a person who forgot their password recovers the account from the sign-in page; the admin can send a link.</summary>
public sealed partial class PasswordResetBrowserTests(BrowserFixture browser)
{
    private const string NewPassword = "harbour lantern copper 61";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_who_forgot_their_password_gets_a_link_and_signs_in_with_the_new_one()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var page = await BrowserSession.NewPageAsync(browser, app, BrowserSession.Phone);
        await page.GotoAsync("/Account/Login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgotten your password?" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Forgotten your password?" })).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);

        await page.GetByLabel("Email").FillAsync("sam@riverside.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If there is a Tandem account for that address");
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "password-forgotten-sent-phone");

        var link = await LinkFromOutboxAsync(app, "sam@riverside.test");
        await page.GotoAsync(link.PathAndQuery);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("The new password again").FillAsync(NewPassword);
        await BrowserSession.AssertAccessibleAsync(page);
        await BrowserSession.ScreenshotAsync(page, "password-reset-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the new password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password has been changed");
        await BrowserSession.AssertAccessibleAsync(page);

        // The same link again: one sentence, and a way to ask for a new one.
        await page.GotoAsync(link.PathAndQuery);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("another fresh password 7");
        await page.GetByLabel("The new password again").FillAsync("another fresh password 7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the new password" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This reset link is not valid or has expired.")).ToBeVisibleAsync();
        await BrowserSession.AssertAccessibleAsync(page);

        await BrowserSession.SignInAsync(page, "sam@riverside.test", NewPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your space" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_practice_admin_sends_a_password_link_from_People()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var admin = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(admin, "admin@riverside.test");
        await admin.GotoAsync("/practice/people");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Send a password link to Jordan Ellis" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("A link to choose a new password is on its way to Jordan Ellis");
        await BrowserSession.AssertAccessibleAsync(admin);
        await BrowserSession.ScreenshotAsync(admin, "admin-people-password-link");
        Assert.Equal("/Account/ResetPassword", (await LinkFromOutboxAsync(app, "jordan@riverside.test")).AbsolutePath);
    }

    /// <summary>The reset mail is written after the answer; wait for it in the outbox.</summary>
    private static async Task<Uri> LinkFromOutboxAsync(TandemApp app, string to)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            string? body = null;
            await app.WithDbAsync(async db => body = await db.Set<OutboxMessage>()
                .Where(m => m.To == to && m.Kind == "password-reset").Select(m => m.TextBody).FirstOrDefaultAsync(Ct));
            if (body is not null && ResetLink().Match(body) is { Success: true } match)
            {
                return new Uri(match.Value);
            }

            await Task.Delay(250, Ct);
        }

        throw new InvalidOperationException($"No password-reset mail to {to} arrived in the outbox.");
    }

    [GeneratedRegex(@"https?://\S+/Account/ResetPassword\?\S+")]
    private static partial Regex ResetLink();
}
