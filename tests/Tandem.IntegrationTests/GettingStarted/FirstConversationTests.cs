using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.GettingStarted;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.GettingStarted;

/// <summary>Requests for a first conversation: sending, refusing bad input and bots, and what the therapist does with them.</summary>
public sealed class FirstConversationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_is_stored_for_the_therapist_with_a_rescored_preferences_result_and_both_emails()
    {
        await using var app = await TandemApp.StartAsync();
        var alex = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var anonymous = app.CreateAnonymousClient();
        var body = DirectorySteps.Valid(alex, answers: DirectorySteps.TherapistLeaningAnswers);
        using var response = await DirectorySteps.PostRawAsync(anonymous, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sent = await DirectorySteps.ReadAsync(response);
        Assert.Equal(["acknowledgement", "id", "status"], sent.EnumerateObject().Select(p => p.Name).Order());

        var alexUser = await Accounts.SignInTests.IdOf(app, "alex@riverside.test");
        await app.WithDbAsync(async db =>
        {
            var request = await db.Set<FirstConversationRequest>().SingleAsync(Ct);
            Assert.Equal(sent.Id(), request.Id);
            Assert.Equal(alexUser, request.TherapistId);
            Assert.Equal(await db.Users.Where(u => u.Id == alexUser).Select(u => u.PracticeId).SingleAsync(Ct), request.PracticeId);
            Assert.Equal(-2.0, request.PreferenceDirectiveness);
            Assert.Equal(2.0, request.PreferencePastVsPresent);
            Assert.Equal(EngagementFormat.TherapistLed, request.SuggestedFormat);
            Assert.Equal(FirstConversationStatus.New, request.Status);

            var mail = await db.Set<OutboxMessage>().Where(m => m.Kind.StartsWith("first-conversation")).ToListAsync(Ct);
            var ack = Assert.Single(mail, m => m.To == "robin@example.test");
            // The address was typed by a stranger: nothing they typed comes back in it (issue 19, finding 9).
            Assert.DoesNotContain("Robin Hale", ack.TextBody, StringComparison.Ordinal);
            var notice = Assert.Single(mail, m => m.To == "alex@riverside.test");
            Assert.Equal("You have a new first-conversation request", notice.Subject);
            Assert.Contains($"/directory/requests/{request.Id}", notice.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Robin", notice.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("stuck", notice.TextBody, StringComparison.Ordinal);

            var audit = await db.AuditEntries.SingleAsync(e => e.ObjectType == "FirstConversationRequest" && e.ObjectId == request.Id.ToString(), Ct);
            Assert.Equal("Anonymous", audit.Role);
            Assert.Equal(request.PracticeId, audit.PracticeId);
        });

        // A score sent by the client is never trusted: an incomplete or out-of-range check is refused, not stored.
        var tampered = DirectorySteps.Valid(alex, answers: new object[] { new { linkId = "d1", value = -9 } });
        using var refused = await DirectorySteps.PostRawAsync(anonymous, tampered);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.True((await DirectorySteps.ReadAsync(refused)).GetProperty("errors").TryGetProperty("preferenceAnswers", out _));
        Assert.Equal(1, (await DirectorySteps.CountsAsync(app)).Requests);
    }

    [Fact]
    public async Task Invalid_fields_get_a_clear_message_each_and_nothing_is_half_stored()
    {
        await using var app = await TandemApp.StartAsync();
        var alex = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var anonymous = app.CreateAnonymousClient();
        var before = await DirectorySteps.CountsAsync(app);

        var cases = new (string Field, object Body)[]
        {
            ("name", new { therapistId = alex, name = "", email = "robin@example.test", preferredFormat = "NoPreference" }),
            ("name", new { therapistId = alex, name = new string('n', 101), email = "robin@example.test", preferredFormat = "NoPreference" }),
            ("email", new { therapistId = alex, name = "Robin", preferredFormat = "NoPreference" }),
            ("email", new { therapistId = alex, name = "Robin", email = "not-an-address", preferredFormat = "NoPreference" }),
            ("phone", new { therapistId = alex, name = "Robin", phone = "call me", preferredFormat = "NoPreference" }),
            ("message", new { therapistId = alex, name = "Robin", email = "robin@example.test", message = new string('m', 2001), preferredFormat = "NoPreference" }),
            ("preferredFormat", new { therapistId = alex, name = "Robin", email = "robin@example.test", preferredFormat = "Whatever" }),
            ("preferredFormat", new { therapistId = alex, name = "Robin", email = "robin@example.test", preferredFormat = "1" }),
            ("preferredFormat", new { therapistId = alex, name = "Robin", email = "robin@example.test" }),
            ("therapistId", new { name = "Robin", email = "robin@example.test", preferredFormat = "ClientLed" }),
        };
        foreach (var (field, body) in cases)
        {
            using var response = await DirectorySteps.PostRawAsync(anonymous, body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await DirectorySteps.ReadAsync(response);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no message for {field}: {problem}");
            Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        }

        // Several problems at once: each named, in one answer.
        using var many = await DirectorySteps.PostRawAsync(anonymous, new { therapistId = alex, name = "", message = new string('m', 2001), preferredFormat = "x" });
        var errors = (await DirectorySteps.ReadAsync(many)).GetProperty("errors");
        Assert.Equal(["email", "message", "name", "preferredFormat"], errors.EnumerateObject().Select(p => p.Name).Order());

        // An unknown therapist is a 404; a therapist not taking new clients a clear message.
        using var unknown = await DirectorySteps.PostRawAsync(anonymous, DirectorySteps.Valid(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var alexClient = await app.ClientForAsync("alex@riverside.test");
        var profile = await alexClient.GetJsonAsync("/api/directory/profile");
        using var closed = await alexClient.PutAsJsonAsync("/api/directory/profile", new
        {
            isListed = true, profileText = profile.Str("profileText"), approaches = Array.Empty<string>(), languages = Array.Empty<string>(),
            offersClientLed = true, offersTherapistLed = true, online = true, inPerson = true, acceptingNewClients = false,
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        using var notTaking = await DirectorySteps.PostRawAsync(anonymous, DirectorySteps.Valid(alex));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notTaking.StatusCode);
        Assert.Contains("not taking new clients", (await DirectorySteps.ReadAsync(notTaking)).GetProperty("errors").GetProperty("therapistId")[0].GetString(), StringComparison.Ordinal);

        Assert.Equal(before, await DirectorySteps.CountsAsync(app));
    }

    [Fact]
    public async Task The_request_form_shows_inline_messages_and_keeps_what_was_typed()
    {
        await using var app = await TandemApp.StartAsync();
        var alex = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var browser = app.CreateAnonymousClient();
        using var response = await PageForms.SubmitAsync(browser, $"/first-conversation/{alex}", "first-conversation", new Dictionary<string, string>
        {
            ["name"] = "Robin",
            ["email"] = "robin-at-example",
            ["message"] = "Hello there",
            ["preferredFormat"] = "ClientLed",
            ["website"] = "",
        });
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Nothing has been sent yet.", html, StringComparison.Ordinal);
        Assert.Contains("Enter a valid email address, like name@example.com.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Robin\"", html, StringComparison.Ordinal);
        Assert.Contains("Hello there</textarea>", html, StringComparison.Ordinal);
        Assert.Equal(0, (await DirectorySteps.CountsAsync(app)).Requests);

        using var ok = await PageForms.SubmitAsync(browser, $"/first-conversation/{alex}", "first-conversation", new Dictionary<string, string>
        {
            ["name"] = "Robin",
            ["phone"] = "+44 20 7946 0000",
            ["preferredFormat"] = "ClientLed",
            ["website"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains($"/first-conversation/sent?to={alex}", ok.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, (await DirectorySteps.CountsAsync(app)).Requests);
    }

    [Fact]
    public async Task A_filled_honeypot_is_answered_like_success_but_nothing_is_stored_or_sent()
    {
        await using var app = await TandemApp.StartAsync();
        var alex = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var anonymous = app.CreateAnonymousClient();
        var before = await DirectorySteps.CountsAsync(app);

        using var person = await DirectorySteps.PostRawAsync(anonymous, DirectorySteps.Valid(alex));
        var personAnswer = await DirectorySteps.ReadAsync(person);
        var afterPerson = await DirectorySteps.CountsAsync(app);
        using var bot = await DirectorySteps.PostRawAsync(anonymous, new
        {
            therapistId = alex, name = "Cheap pills", email = "bot@example.test", message = "Buy now", preferredFormat = "NoPreference", website = "http://spam.example",
        });
        Assert.Equal(person.StatusCode, bot.StatusCode);
        var botAnswer = await DirectorySteps.ReadAsync(bot);
        Assert.Equal(personAnswer.EnumerateObject().Select(p => p.Name), botAnswer.EnumerateObject().Select(p => p.Name));
        Assert.Equal(personAnswer.Str("acknowledgement"), botAnswer.Str("acknowledgement"));
        Assert.Equal(personAnswer.Str("status"), botAnswer.Str("status"));
        Assert.Equal((before.Requests + 1, before.Mail + 2), afterPerson);
        Assert.Equal(afterPerson, await DirectorySteps.CountsAsync(app));

        // The page form too: the same redirect to the same acknowledgement, nothing kept.
        using var browser = app.CreateAnonymousClient();
        using var page = await PageForms.SubmitAsync(browser, $"/first-conversation/{alex}", "first-conversation", new Dictionary<string, string>
        {
            ["name"] = "Bot", ["email"] = "bot@example.test", ["preferredFormat"] = "NoPreference", ["website"] = "filled",
        });
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("first-conversation/sent", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(afterPerson, await DirectorySteps.CountsAsync(app));
        await app.WithDbAsync(async db => Assert.False(await db.Set<OutboxMessage>().AnyAsync(m => m.To == "bot@example.test", Ct)));
    }

    [Fact]
    public async Task A_burst_of_requests_from_one_address_gets_429_on_the_api_and_a_calm_page_in_the_browser()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Security:FirstConversationPermitLimit"] = "3" });
        var alex = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var anonymous = app.CreateAnonymousClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await DirectorySteps.PostRawAsync(anonymous, DirectorySteps.Valid(alex, name: $"Person {i}"));
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        var stored = await DirectorySteps.CountsAsync(app);

        using var limited = await DirectorySteps.PostRawAsync(anonymous, DirectorySteps.Valid(alex, name: "One too many"));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("Nothing from this attempt was stored", await limited.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // The same address through the page form: a friendly page, with the security headers.
        using var browser = app.CreateAnonymousClient();
        using var page = await PageForms.SubmitAsync(browser, $"/first-conversation/{alex}", "first-conversation", new Dictionary<string, string>
        {
            ["name"] = "Robin", ["email"] = "robin@example.test", ["preferredFormat"] = "NoPreference",
        });
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Please wait a little", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", string.Join(",", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        Assert.Equal(stored, await DirectorySteps.CountsAsync(app));
        // Reading the directory is never limited.
        Assert.Equal(HttpStatusCode.OK, await anonymous.StatusOfGetAsync("/api/directory"));
    }

    [Fact]
    public async Task The_addressed_therapist_converts_a_request_into_an_engagement_and_invitation_in_one_audited_step()
    {
        await using var app = await TandemApp.StartAsync();
        var listing = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        var requestId = await DirectorySteps.SendAsync(app, listing, answers: DirectorySteps.TherapistLeaningAnswers);

        using var alex = await app.ClientForAsync("alex@riverside.test");
        var mine = await alex.GetJsonAsync("/api/directory/requests");
        var listed = Assert.Single(mine.EnumerateArray());
        Assert.Equal("Robin Hale", listed.Str("name"));
        Assert.Equal("TherapistLed", listed.GetProperty("preferences").GetProperty("suggestedFormat").GetString());

        var converted = await alex.PostJsonAsync($"/api/directory/requests/{requestId}/convert", new { }, HttpStatusCode.Created);
        var engagementId = converted.GetProperty("engagementId").GetGuid();
        var engagement = await alex.GetJsonAsync($"/api/engagements/{engagementId}");
        Assert.Equal("Robin Hale", engagement.Str("title"));
        Assert.Equal("TherapistLed", engagement.Str("format"));

        var detail = await alex.GetJsonAsync($"/api/directory/requests/{requestId}");
        Assert.Equal("Converted", detail.Str("status"));
        Assert.Equal(engagementId, detail.GetProperty("engagementId").GetGuid());

        // Converting twice is a conflict, not a second engagement.
        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/directory/requests/{requestId}/convert", new { }));

        string token = "";
        await app.WithDbAsync(async db =>
        {
            var invitation = await db.Invitations.SingleAsync(i => i.EngagementId == engagementId, Ct);
            Assert.Equal("robin@example.test", invitation.Email);
            var types = await db.AuditEntries.Where(e => e.EngagementId == engagementId && e.Action == AuditAction.Create || e.ObjectId == requestId.ToString())
                .Select(e => new { e.ObjectType, e.Action }).ToListAsync(Ct);
            Assert.Contains(types, t => t.ObjectType == "Engagement" && t.Action == AuditAction.Create);
            Assert.Contains(types, t => t.ObjectType == "Invitation" && t.Action == AuditAction.Create);
            Assert.Contains(types, t => t.ObjectType == "FirstConversationRequest" && t.Action == AuditAction.Update);
            Assert.Contains(types, t => t.ObjectType == "FirstConversationRequest" && t.Action == AuditAction.Read);
            var mail = await db.Set<OutboxMessage>().SingleAsync(m => m.Kind == "invitation" && m.To == "robin@example.test", Ct);
            token = System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"/invitations/([A-Za-z0-9_-]+)").Groups[1].Value;
        });

        // The invitation flow completes as it always does.
        using var anonymous = app.CreateAnonymousClient();
        var accepted = await anonymous.PostJsonAsync($"/api/invitations/{token}/accept", new { displayName = "Robin Hale", password = "tidepool lantern 77" }, HttpStatusCode.Created);
        Assert.Equal(engagementId, accepted.GetProperty("engagementId").GetGuid());
        using var robin = await app.ClientForAsync("robin@example.test", "tidepool lantern 77");
        Assert.Equal(engagementId, (await robin.GetJsonAsync($"/api/engagements/{engagementId}")).Id());
    }

    [Fact]
    public async Task Only_the_addressed_therapist_sees_or_answers_a_request_everyone_else_gets_404()
    {
        await using var app = await TandemApp.StartAsync();
        var listing = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        var requestId = await DirectorySteps.SendAsync(app, listing);

        foreach (var email in new[] { "morgan@riverside.test", "lee@harbor.test" })
        {
            using var other = await app.ClientForAsync(email);
            Assert.Empty((await other.GetJsonAsync("/api/directory/requests")).EnumerateArray());
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfGetAsync($"/api/directory/requests/{requestId}"));
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfPostAsync($"/api/directory/requests/{requestId}/convert", new { format = "ClientLed" }));
            Assert.Equal(HttpStatusCode.NotFound, await other.StatusOfPostAsync($"/api/directory/requests/{requestId}/decline"));
        }

        foreach (var email in new[] { "admin@riverside.test", "sam@riverside.test" })
        {
            using var notTherapist = await app.ClientForAsync(email);
            Assert.Equal(HttpStatusCode.NotFound, await notTherapist.StatusOfGetAsync($"/api/directory/requests/{requestId}"));
        }

        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfGetAsync($"/api/directory/requests/{Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfPostAsync($"/api/directory/requests/{Guid.NewGuid()}/convert", new { format = "ClientLed" }));

        // Morgan's page for Alex's request is the ordinary not-found page; nothing changed, and the refusals are audited.
        using var morganBrowser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(morganBrowser, "morgan@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await morganBrowser.StatusOfGetAsync($"/directory/requests/{requestId}"));
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(FirstConversationStatus.New, (await db.Set<FirstConversationRequest>().SingleAsync(Ct)).Status);
            Assert.True(await db.AuditEntries.CountAsync(e => e.ObjectId == requestId.ToString() && e.Outcome == AuditOutcome.Refused, Ct) >= 7);
        });
    }

    [Fact]
    public async Task Declining_sends_the_kind_reply_the_therapist_saw_and_marks_the_request_declined()
    {
        await using var app = await TandemApp.StartAsync();
        var listing = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        var requestId = await DirectorySteps.SendAsync(app, listing);

        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");
        var home = await (await browser.GetAsync("/", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("New first-conversation requests", home, StringComparison.Ordinal);
        Assert.Contains($"directory/requests/{requestId}", home, StringComparison.Ordinal);
        var detail = await (await browser.GetAsync($"/directory/requests/{requestId}", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("I am sorry that I am not able to offer you a first conversation at the moment.", detail, StringComparison.Ordinal);

        using var declined = await PageForms.SubmitAsync(browser, $"/directory/requests/{requestId}", "decline", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Contains("Declined on", await declined.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        await app.WithDbAsync(async db =>
        {
            var request = await db.Set<FirstConversationRequest>().SingleAsync(Ct);
            Assert.Equal(FirstConversationStatus.Declined, request.Status);
            var reply = await db.Set<OutboxMessage>().SingleAsync(m => m.Kind == "first-conversation-declined", Ct);
            Assert.Equal("robin@example.test", reply.To);
            Assert.Contains("I am sorry that I am not able to offer you a first conversation at the moment.", reply.TextBody, StringComparison.Ordinal);
            Assert.Contains("Alex Rivera", reply.TextBody, StringComparison.Ordinal);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectId == requestId.ToString() && e.Action == AuditAction.Update, Ct));
        });

        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/directory/requests/{requestId}/decline"));
        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/directory/requests/{requestId}/convert", new { format = "ClientLed" }));
    }
}
