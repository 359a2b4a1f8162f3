using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Invitations;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// Issue 19, finding 4: an enum value from outside is one of the enum's names, nothing else
/// (API.md: enums are strings). An invitation with role 2 or -1 was accepted and its person
/// joined with a role no rule knows. The generated-input suites send undefined values to every
/// enum of every JSON body and page form (GeneratedBadInputTests, GeneratedFormInputTests).
/// </summary>
public sealed class UndefinedEnumTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_invitation_with_an_undefined_role_is_refused_with_a_sentence_and_creates_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        object[] roles = [2, -1, 99, "2", "-1", "Client,Therapist", "Owner", "", 1.5, true];
        var problems = new List<string>();
        for (var i = 0; i < roles.Length; i++)
        {
            using var response = await alex.PostAsJsonAsync($"/api/engagements/{sams}/invitations", new { email = $"undefined-role-{i}@example.test", role = roles[i] }, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || !text.Contains("role", StringComparison.OrdinalIgnoreCase) || !text.Contains("must be one of: Client, Therapist", StringComparison.Ordinal))
            {
                problems.Add($"role {System.Text.Json.JsonSerializer.Serialize(roles[i])} -> {(int)response.StatusCode}: {text}");
            }
        }

        await app.WithDbAsync(async db =>
        {
            var created = await db.Set<Invitation>().CountAsync(i => i.Email.StartsWith("undefined-role-"), Ct);
            Assert.True(created == 0, $"{created} invitations with an undefined role were created");
        });
        Assert.True(problems.Count == 0, "Not refused with 400 and a sentence naming the field and its values:\n" + string.Join('\n', problems));
        Assert.Empty(await StoredEnums.UndefinedAsync(app));

        // The names still work, in any letter case.
        using var named = await alex.PostAsJsonAsync($"/api/engagements/{sams}/invitations", new { email = "named-role@example.test", role = "client" }, Ct);
        Assert.True(named.StatusCode == HttpStatusCode.Created, await named.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_page_form_with_an_undefined_enum_value_is_refused_before_the_page_runs()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await CrossSiteTests.CookieClientAsync(app, "alex@riverside.test");
        foreach (var format in new[] { "2", "-1", "ClientLed,TherapistLed", "Nonsense" })
        {
            using var response = await PageForms.SubmitAsync(alex, "/engagements/new", "new-engagement", new Dictionary<string, string>
            {
                ["Input.Title"] = "Undefined format " + format,
                ["Input.Format"] = format,
            });
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest && text.Contains("Input.Format must be one of: ClientLed, TherapistLed", StringComparison.Ordinal),
                $"Format {format} -> {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
        }

        await app.WithDbAsync(async db => Assert.False(await db.Engagements.AnyAsync(e => e.Title.StartsWith("Undefined format"), Ct)));
    }
}
