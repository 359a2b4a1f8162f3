using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>Issue 22, account pages in Tandem's voice: a message says what happened, without the template's "Error:" prefix.</summary>
public sealed class AccountVoiceTests
{
    [Fact]
    public async Task A_failed_sign_in_says_what_happened_without_an_Error_prefix_and_still_reads_as_a_problem()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();

        using var answer = await PageForms.SignInAsync(browser, "sam@riverside.test", "not-Sams-password-2026");
        var html = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("Sign-in failed. Check your email and password.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Error:", html, StringComparison.Ordinal);
        Assert.Contains("alert-danger", html, StringComparison.Ordinal);
    }
}
