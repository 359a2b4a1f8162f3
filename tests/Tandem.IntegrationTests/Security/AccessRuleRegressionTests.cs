using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Measures;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>Defects the authorisation matrix (QUALITY.md S1) found, each pinned by a test of its own.</summary>
public sealed class AccessRuleRegressionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_response_cannot_name_a_session_of_another_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var jordans = await Demo.JordansEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        using var jordan = await app.ClientForAsync("jordan@riverside.test");
        var jordansSession = await MatrixSetup.PastSessionAsync(jordan, jordans);
        var samsSession = await MatrixSetup.PastSessionAsync(sam, sams);

        static object With(Guid session) => new { instrumentId = "phq-9", answers = MeasureRequests.Phq9Items.Select(l => new { linkId = l, value = 1 }).ToArray(), sessionId = session };

        // Another engagement's session and a made-up one get the same answer, and nothing is stored.
        var foreign = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", With(jordansSession), HttpStatusCode.UnprocessableEntity);
        var madeUp = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", With(Guid.NewGuid()), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(madeUp.GetProperty("title").GetRawText(), foreign.GetProperty("title").GetRawText());
        var responses = await sam.GetJsonAsync($"/api/engagements/{sams}/responses?instrumentId=phq-9");
        Assert.DoesNotContain(responses.EnumerateArray(), r => r.TryGetProperty("sessionId", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.String && s.GetGuid() == jordansSession);

        // One of the engagement's own sessions is fine.
        var own = await sam.PostJsonAsync($"/api/engagements/{sams}/responses", With(samsSession), HttpStatusCode.Created);
        Assert.NotEqual(Guid.Empty, own.Id());
    }

    [Fact]
    public async Task The_plan_page_answers_404_to_people_outside_the_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        foreach (var email in new[] { "jordan@riverside.test", "morgan@riverside.test", "lee@harbor.test", "kim@harbor.test" })
        {
            using var outsider = await app.ClientForAsync(email);
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfGetAsync($"/engagements/{sams}/plan"));
            Assert.Equal(HttpStatusCode.NotFound, await outsider.StatusOfGetAsync($"/engagements/{Guid.NewGuid()}/plan"));
        }

        using var sam = await app.ClientForAsync("sam@riverside.test");
        Assert.Equal(HttpStatusCode.OK, await sam.StatusOfGetAsync($"/engagements/{sams}/plan"));
    }

    [Fact]
    public async Task A_passkey_request_without_its_antiforgery_token_is_a_400_not_a_crash()
    {
        await using var app = await TandemApp.StartAsync();
        using var anonymous = app.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.BadRequest, await anonymous.StatusOfPostAsync("/Account/PasskeyRequestOptions"));
        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.BadRequest, await alex.StatusOfPostAsync("/Account/PasskeyCreationOptions"));
    }

    [Fact]
    public async Task A_form_posted_to_another_persons_engagement_answers_404_and_changes_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        async Task<string> StatusAsync()
        {
            string status = "";
            await app.WithDbAsync(async db => status = (await db.Engagements.SingleAsync(e => e.Id == sams, Ct)).Status.ToString());
            return status;
        }

        // Morgan holds a valid form token of his own session and posts Alex's "pause" form to Sam's engagement.
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        foreach (var target in new[] { sams, Guid.NewGuid() })
        {
            using var refused = await PageForms.SubmitWithTokenOfAsync(morgan, "/Account/Manage/ChangePassword", $"/engagements/{target}", "pause", new Dictionary<string, string>());
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Contains("We could not find that page", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal("Active", await StatusAsync());

        // The same form from Sam's therapist pauses the work: the refusal above was the access rule, not a broken form.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var paused = await PageForms.SubmitAsync(alex, $"/engagements/{sams}", "pause", new Dictionary<string, string>());
        Assert.True((int)paused.StatusCode is 200 or 302 or 303, paused.StatusCode.ToString());
        Assert.Equal("Paused", await StatusAsync());
    }
}
