using System.Buffers.Text;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Tandem.Features.Accounts;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 22, account pages in Tandem's voice, without a browser's script: two-step sign-in's status in plain words
/// (with a warning when few recovery codes are left), calm messages, and a passkey removed only once confirmed.
/// </summary>
public sealed class AccountSecurityPagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_passkey_is_removed_only_after_the_person_confirms_it()
    {
        await using var app = await TandemApp.StartAsync();
        var credentialId = await AddPasskeyAsync(app, "sam@riverside.test", "Work laptop");
        var id = Base64Url.EncodeToString(credentialId);
        using var sam = await Security.CrossSiteTests.CookieClientAsync(app, "sam@riverside.test");

        // The list's own form used to remove at once; a post like it now changes nothing.
        using (var old = await PageForms.SubmitAsync(sam, "/Account/Manage/Passkeys", $"update-passkey-{id}", new Dictionary<string, string> { ["CredentialId"] = id, ["Action"] = "delete" }))
        {
            Assert.True(await HasPasskeyAsync(app, "sam@riverside.test", credentialId), $"the passkey was removed without confirmation (the post answered {(int)old.StatusCode})");
        }

        var list = WebUtility.HtmlDecode(await sam.GetStringAsync("/Account/Manage/Passkeys", Ct));
        Assert.Contains("Work laptop", list, StringComparison.Ordinal);
        Assert.Contains($"href=\"Account/Manage/RemovePasskey/{id}\"", list, StringComparison.Ordinal);

        // Opening the question removes nothing.
        using (var question = await sam.GetAsync($"/Account/Manage/RemovePasskey/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, question.StatusCode);
            var html = WebUtility.HtmlDecode(await question.Content.ReadAsStringAsync(Ct));
            Assert.Contains("Remove the passkey 'Work laptop'?", html, StringComparison.Ordinal);
            Assert.Contains("You will no longer be able to sign in with it on that device.", html, StringComparison.Ordinal);
            Assert.Contains("Keep it", html, StringComparison.Ordinal);
        }

        Assert.True(await HasPasskeyAsync(app, "sam@riverside.test", credentialId), "opening the question removed the passkey");

        // Another person's passkey id answers like an unknown one: nothing to remove.
        using (var riley = await Security.CrossSiteTests.CookieClientAsync(app, "riley@riverside.test"))
        using (var foreign = await riley.GetAsync($"/Account/Manage/RemovePasskey/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, foreign.StatusCode);
            Assert.EndsWith("/Account/Manage/Passkeys", foreign.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using (var yes = await PageForms.SubmitAsync(sam, $"/Account/Manage/RemovePasskey/{id}", "remove-passkey", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, yes.StatusCode);
        }

        Assert.False(await HasPasskeyAsync(app, "sam@riverside.test", credentialId), "the confirmed removal left the passkey");
        var after = WebUtility.HtmlDecode(await sam.GetStringAsync("/Account/Manage/Passkeys", Ct));
        Assert.Contains("The passkey 'Work laptop' is removed.", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Error:", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_step_sign_in_status_is_shown_in_plain_words_with_a_warning_when_few_recovery_codes_are_left()
    {
        await using var app = await TandemApp.StartAsync();
        using (var before = await Security.CrossSiteTests.CookieClientAsync(app, "sam@riverside.test"))
        {
            var off = WebUtility.HtmlDecode(await before.GetStringAsync("/Account/Manage/TwoFactorAuthentication", Ct));
            Assert.Contains("Two-step sign-in: off", off, StringComparison.Ordinal);

            // A wrong code is answered calmly and specifically.
            using var wrong = await PageForms.SubmitAsync(before, "/Account/Manage/EnableAuthenticator", "send-code", new Dictionary<string, string> { ["Input.Code"] = "000000" });
            var answer = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync(Ct));
            Assert.Contains("That code did not match", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("Error:", answer, StringComparison.Ordinal);
        }

        var key = await TurnOnWithFewRecoveryCodesAsync(app, "sam@riverside.test", left: 2);
        using var sam = app.CreateAnonymousClient();
        using (var password = await PageForms.SignInAsync(sam, "sam@riverside.test"))
        {
            Assert.Contains("LoginWith2fa", password.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
        using (var second = await PageForms.SubmitAsync(sam, "/Account/LoginWith2fa", "login-with-2fa", new Dictionary<string, string> { ["Input.TwoFactorCode"] = code, ["RememberMe"] = "False" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        }

        var on = WebUtility.HtmlDecode(await sam.GetStringAsync("/Account/Manage/TwoFactorAuthentication", Ct));
        Assert.Contains("Two-step sign-in: on", on, StringComparison.Ordinal);
        Assert.Contains("2 recovery codes left", on, StringComparison.Ordinal);
        Assert.Contains("alert-warning", on, StringComparison.Ordinal);
        Assert.Contains("href=\"Account/Manage/GenerateRecoveryCodes\"", on, StringComparison.Ordinal);
        Assert.DoesNotContain("2FA", on, StringComparison.Ordinal);
    }

    private static async Task<byte[]> AddPasskeyAsync(TandemApp app, string email, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
        using var system = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>().AsSystem();
        var user = (await users.FindByEmailAsync(email))!;
        var credentialId = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var passkey = new UserPasskeyInfo(credentialId, new byte[77], app.Clock.GetUtcNow(), 0, ["internal"], true, false, false, [], [])
        {
            Name = name,
        };
        var added = await users.AddOrUpdatePasskeyAsync(user, passkey);
        Assert.True(added.Succeeded, string.Join("; ", added.Errors.Select(e => e.Description)));
        return credentialId;
    }

    private static async Task<bool> HasPasskeyAsync(TandemApp app, string email, byte[] credentialId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
        using var system = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>().AsSystem();
        var user = (await users.FindByEmailAsync(email))!;
        return await users.GetPasskeyAsync(user, credentialId) is not null;
    }

    /// <summary>Turns two-step sign-in on and spends recovery codes until <paramref name="left"/> remain; returns the authenticator key.</summary>
    private static async Task<string> TurnOnWithFewRecoveryCodesAsync(TandemApp app, string email, int left)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
        using var system = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>().AsSystem();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        foreach (var code in codes.Take(codes.Count - left))
        {
            Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded);
        }

        return key;
    }
}
