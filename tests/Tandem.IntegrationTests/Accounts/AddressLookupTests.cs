using System.Net;
using System.Net.Http.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Stop 40's CI: "\uFFFE\uFFFF" typed as the address on the reset page was a 500. Identity's normalizer
/// (Unicode form C, then upper case) throws on text that has no Unicode form, and every sign-in, reset and
/// invitation address reached it. Such an address now answers like any unknown one, everywhere an address
/// is looked up, and is refused as an invitation's address with a sentence.
/// </summary>
public sealed class AddressLookupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What a form or JSON can carry that <see cref="string.Normalize()"/> refuses: U+FFFE, and U+FFFE after a real address.</summary>
    private static readonly string[] Unnormalisable = ["\ufffe\uffff", "sam@riverside.test\ufffe"];

    [Fact]
    public async Task An_address_without_a_unicode_form_answers_like_an_unknown_one_wherever_an_address_is_looked_up()
    {
        await using var app = await TandemApp.StartAsync();
        using var anonymous = app.CreateAnonymousClient();
        var problems = new List<string>();
        void Expect(string what, HttpStatusCode expected, HttpStatusCode actual, string body, string? sentence = null)
        {
            if (actual != expected || (sentence is not null && !body.Contains(sentence, StringComparison.Ordinal)))
            {
                problems.Add($"{what}: {(int)actual}, expected {(int)expected}{(sentence is null ? "" : $" with \"{sentence}\"")}: {body[..Math.Min(body.Length, 300)]}");
            }
        }

        foreach (var address in Unnormalisable)
        {
            var shown = address.Replace("\ufffe", "\\ufffe", StringComparison.Ordinal).Replace("\uffff", "\\uffff", StringComparison.Ordinal);

            using (var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = address, password = "not the password 1" }, Ct))
            {
                Expect($"API sign-in as {shown}", HttpStatusCode.Unauthorized, login.StatusCode, await login.Content.ReadAsStringAsync(Ct));
            }

            using (var ask = await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email = address }, Ct))
            {
                Expect($"API reset link for {shown}", HttpStatusCode.Accepted, ask.StatusCode, await ask.Content.ReadAsStringAsync(Ct));
            }

            using (var confirm = await anonymous.PostAsJsonAsync("/api/auth/password-reset/confirm", new { email = address, token = "../../../../etc/passwd", newPassword = "copper meadow lantern 9" }, Ct))
            {
                Expect($"API reset with {shown}", HttpStatusCode.BadRequest, confirm.StatusCode, await confirm.Content.ReadAsStringAsync(Ct), "not valid or has expired");
            }

            using (var page = await PageForms.SubmitAsync(anonymous, "/Account/Login", "login", new Dictionary<string, string> { ["Input.Email"] = address, ["Input.Password"] = "not the password 1" }))
            {
                Expect($"sign-in page as {shown}", HttpStatusCode.OK, page.StatusCode, await page.Content.ReadAsStringAsync(Ct),
                    address.Contains('@', StringComparison.Ordinal) ? "Sign-in failed" : "Enter a valid email address.");
            }

            using (var page = await PageForms.SubmitAsync(anonymous, "/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = address }))
            {
                Expect($"forgotten password page for {shown}", HttpStatusCode.OK, page.StatusCode, await page.Content.ReadAsStringAsync(Ct));
            }

            using (var page = await PageForms.SubmitAsync(anonymous, "/Account/ResetPassword", "reset-password", new Dictionary<string, string>
            {
                ["Input.Email"] = address,
                ["Input.Token"] = "../../../../etc/passwd",
                ["Input.NewPassword"] = "copper meadow lantern 9",
                ["Input.ConfirmPassword"] = "copper meadow lantern 9",
            }))
            {
                Expect($"reset page with {shown}", HttpStatusCode.OK, page.StatusCode, await page.Content.ReadAsStringAsync(Ct), "not valid or has expired");
            }
        }

        // An invitation to such an address is refused with a sentence, by a therapist and by the practice admin.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var engagement = (await alex.PostJsonAsync("/api/engagements", new { title = "A new start", format = "TherapistLed" }, HttpStatusCode.Created)).Id();
        foreach (var address in Unnormalisable.Append("robin\uffff@example.test"))
        {
            using (var invite = await alex.PostAsJsonAsync($"/api/engagements/{engagement}/invitations", new { email = address }, Ct))
            {
                Expect("therapist's invitation", HttpStatusCode.UnprocessableEntity, invite.StatusCode, await invite.Content.ReadAsStringAsync(Ct), "Enter a valid email address.");
            }

            using (var invite = await admin.PostAsJsonAsync("/api/practice/invitations", new { email = address }, Ct))
            {
                Expect("practice admin's invitation", HttpStatusCode.UnprocessableEntity, invite.StatusCode, await invite.Content.ReadAsStringAsync(Ct), "Enter a valid email address.");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
