using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>The sentinels: text nobody could mistake, written into every kind of record through the app's pages and API.</summary>
public sealed partial class UrlPrivacyTests
{
    internal sealed partial class Seeding(TandemApp app, Harvest harvest)
    {
        public List<Sentinel> Sentinels { get; } = [];

        public Guid SamsEngagement { get; private set; }

        /// <summary>The session Alex schedules on the schedule page (its location, note, private note and agenda are sentinels).</summary>
        public Guid SessionId { get; private set; }

        /// <summary>Sam's completed session, whose signed note Sam answers and reflects on.</summary>
        public Guid PastSessionId { get; private set; }

        public Guid RequestId { get; private set; }

        public Guid BreakGlassEngagement { get; private set; }

        /// <summary>An invitation not yet accepted (a therapist invited by the practice admin), for /invitations/{Token}.</summary>
        public string InvitationToken { get; private set; } = "";

        public string CalendarToken { get; private set; } = "";

        /// <summary>A sentinel text: the token, then words, so both the token and the 12-character runs are there to find.</summary>
        private string S(string what)
        {
            var token = $"CLINICALSENTINEL-{Sentinels.Count + 1:00}";
            Sentinels.Add(new Sentinel(token, what));
            return $"{token} {what}";
        }

        private string Email(string what)
        {
            var token = $"CLINICALSENTINEL-{Sentinels.Count + 1:00}";
            Sentinels.Add(new Sentinel(token, what));
            return $"{token.ToLowerInvariant()}@example.test";
        }

        public async Task RunAsync()
        {
            SamsEngagement = await Demo.SamsEngagementAsync(app);
            var sams = SamsEngagement;
            var couple = await Demo.CouplesEngagementAsync(app);
            using var alexApi = await app.ClientForAsync("alex@riverside.test");
            using var samApi = await app.ClientForAsync("sam@riverside.test");
            using var morganApi = await app.ClientForAsync("morgan@riverside.test");
            using var rileyApi = await app.ClientForAsync("riley@riverside.test");
            using var kimApi = await app.ClientForAsync("kim@harbor.test");
            using var alex = await SignedInBrowserAsync(app, "alex@riverside.test", harvest);
            using var sam = await SignedInBrowserAsync(app, "sam@riverside.test", harvest);
            using var admin = await SignedInBrowserAsync(app, "admin@riverside.test", harvest);
            using var casey = await SignedInBrowserAsync(app, "casey@riverside.test", harvest);
            var samId = (await samApi.GetJsonAsync("/api/me")).Id();
            var when = app.Clock.GetUtcNow().AddDays(2);

            // Alex schedules a session on the schedule page (the location is free text), then drafts its note on the note page.
            using (var scheduled = await SubmitFormAsync(alex, "/sessions", "schedule", new Dictionary<string, string>
            {
                ["Plan.EngagementId"] = sams.ToString(),
                ["Plan.Date"] = when.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["Plan.Time"] = "10:00",
                ["Plan.DurationMinutes"] = "50",
                ["Plan.Location"] = S("the quiet room Sam asked for after the panic attack"),
            }, harvest, "alex"))
            {
                SessionId = GuidIn(scheduled, "scheduling a session");
            }

            using (await SubmitFormAsync(alex, $"/sessions/{SessionId}/note", "draft", new Dictionary<string, string> { ["Draft.Body"] = S("Sam described nightly panic and a fear of driving since the accident") }, harvest, "alex"))
            {
            }

            await SendAsync(alexApi, HttpMethod.Put, $"/api/sessions/{SessionId}/private-note", new { body = S("my hypothesis is unresolved grief about his father") }, "alex", HttpStatusCode.OK);
            await SendAsync(samApi, HttpMethod.Post, $"/api/sessions/{SessionId}/agenda", new { text = S("talk about the nightmares and the medication"), kind = "Topic" }, "sam", HttpStatusCode.Created);

            // Sam answers the signed note of a past session and reflects on it, on the note page.
            PastSessionId = await MatrixSetup.PastSessionAsync(samApi, sams);
            using (await SubmitFormAsync(sam, $"/sessions/{PastSessionId}/note", "annotate", new Dictionary<string, string>
            {
                ["Annotate.Text"] = S("I did not say I was drinking every night"),
                ["Annotate.Stance"] = "Disagree",
            }, harvest, "sam"))
            {
            }

            using (await SubmitFormAsync(sam, $"/sessions/{PastSessionId}/note", "reflect", new Dictionary<string, string> { ["Reflect.Text"] = S("after the session I cried in the car for an hour") }, harvest, "sam"))
            {
            }

            // Messages: the shared conversation and a one-to-one thread (the conversation page is live, so through the API as its circuit would).
            await SendAsync(samApi, HttpMethod.Post, $"/api/engagements/{sams}/messages", new { body = S("I had thoughts of not wanting to be here again") }, "sam", HttpStatusCode.Created);
            await SendAsync(alexApi, HttpMethod.Put, $"/api/engagements/{sams}/messages/settings", new { allowPrivateThreads = true }, "alex", HttpStatusCode.OK);
            await SendAsync(alexApi, HttpMethod.Post, $"/api/engagements/{sams}/messages", new { body = S("between us: your sister called about your safety"), withClient = samId }, "alex", HttpStatusCode.Created);
            var kims = (await kimApi.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
            await SendAsync(kimApi, HttpMethod.Post, $"/api/engagements/{kims}/messages", new { body = S("Kim wrote about the custody hearing") }, "kim", HttpStatusCode.Created);
            // A questionnaire through the API: its Location names the instrument.
            await SendAsync(kimApi, HttpMethod.Post, $"/api/engagements/{kims}/responses", Measures.MeasureRequests.Phq9(2, item9: 1), "kim", HttpStatusCode.Created);

            // A goal proposed by Sam (client-led: it applies at once), with a comment of Alex's; a commitment.
            var proposal = await SendAsync(samApi, HttpMethod.Post, $"/api/engagements/{sams}/proposals", new
            {
                kind = "AddGoal", text = S("stop drinking before bed"), whyItMatters = S("my liver results frighten me"), reason = S("my GP was worried"),
            }, "sam", HttpStatusCode.Created);
            await SendAsync(alexApi, HttpMethod.Post, $"/api/proposals/{proposal.Id()}/comments", new { comment = S("agreed, we will track the cravings") }, "alex", HttpStatusCode.OK);
            await SendAsync(alexApi, HttpMethod.Post, $"/api/engagements/{sams}/commitments", new
            {
                text = S("write down each craving and what came before it"), ownerId = samId, due = DateOnly.FromDateTime(when.AddDays(7).UtcDateTime),
            }, "alex", HttpStatusCode.Created);

            // Sam answers Alex's pending proposal on the overview page with a comment; then Alex proposes a change of format there, with a reason.
            var pending = (await SendAsync(alexApi, HttpMethod.Get, $"/api/engagements/{sams}/proposals", null, "alex", HttpStatusCode.OK)).EnumerateArray().First(p => p.Str("status") == "Pending").Id();
            using (await SubmitFormAsync(sam, $"/engagements/{sams}", $"answer-{pending:N}", new Dictionary<string, string> { ["Answer"] = "accept", ["AnswerComment"] = S("yes, but the panic makes small wins hard") }, harvest, "sam"))
            {
            }

            using (await SubmitFormAsync(alex, $"/engagements/{sams}", "propose-format", new Dictionary<string, string> { ["FormatReason"] = S("Sam feels lost when he leads since the accident") }, harvest, "alex"))
            {
            }

            // Questionnaires on their form pages: a PHQ-9, and the Collaboration Check (its last item is free text).
            using (await SubmitFormAsync(sam, $"/engagements/{sams}/measures/phq-9", "measure", new Dictionary<string, string> { ["move"] = "finish" }, harvest, "sam"))
            {
            }

            using (await SubmitFormAsync(sam, $"/engagements/{sams}/measures/collaboration-check", "measure", new Dictionary<string, string>
            {
                ["move"] = "finish",
                ["a:8"] = S("I feel judged when we talk about my mother"),
            }, harvest, "sam"))
            {
            }

            // The couple: a reflection of Riley's and Morgan's private note on their past session.
            var coupleSession = await MatrixSetup.PastSessionAsync(morganApi, couple);
            await SendAsync(rileyApi, HttpMethod.Post, $"/api/sessions/{coupleSession}/reflections", new { text = S("Riley is afraid Avery will leave after the affair") }, "riley", HttpStatusCode.Created);
            await SendAsync(morganApi, HttpMethod.Put, $"/api/sessions/{coupleSession}/private-note", new { body = S("Avery minimises the affair, watch for contempt") }, "morgan", HttpStatusCode.OK);

            // Alex's directory listing, in Alex's own words.
            using (await SubmitFormAsync(alex, "/directory/profile", "directory-profile", new Dictionary<string, string>
            {
                ["profileText"] = S("I work with people recovering from trauma and addiction"),
                ["approaches"] = S("trauma focused work"),
            }, harvest, "alex"))
            {
            }

            // A first conversation asked for anonymously on the public form: name, email, phone and message are the requester's.
            using var anonymous = app.CreateAnonymousClient();
            var alexListing = (await anonymous.GetJsonAsync("/api/directory")).EnumerateArray().First(e => e.Str("displayName") == "Alex Rivera").Id();
            var requesterEmail = Email("requester's email");
            using (await SubmitFormAsync(anonymous, $"/first-conversation/{alexListing}", "first-conversation", new Dictionary<string, string>
            {
                ["name"] = S("Robin Hale"),
                ["email"] = requesterEmail,
                ["phone"] = "+44 20 7946 0321",
                ["message"] = S("I have been self harming since my divorce and need help"),
                ["website"] = "",
            }, harvest, "anonymous"))
            {
            }

            var requests = await SendAsync(alexApi, HttpMethod.Get, "/api/directory/requests", null, "alex", HttpStatusCode.OK);
            RequestId = requests.EnumerateArray().First(r => r.GetRawText().Contains("CLINICALSENTINEL", StringComparison.Ordinal)).Id();

            // Alex starts working together from the request page (the engagement is named after the requester), who accepts the invitation.
            using (await SubmitFormAsync(alex, $"/directory/requests/{RequestId}", "convert", new Dictionary<string, string> { ["title"] = S("Robin Hale and the divorce") }, harvest, "alex"))
            {
            }

            var requesterToken = await InvitationTokenAsync(requesterEmail);
            using (var newcomer = app.CreateAnonymousClient())
            {
                using var joined = await SubmitFormAsync(newcomer, $"/invitations/{requesterToken}", "create-account", new Dictionary<string, string>
                {
                    ["Input.DisplayName"] = S("Robin Newcomer"),
                    ["Input.Password"] = "Sentinel-password-2026!",
                }, harvest, "the invited requester");
                Assert.True(joined.StatusCode == HttpStatusCode.Redirect, $"accepting the invitation answered {(int)joined.StatusCode}");
            }

            // The practice admin: emergency access with a reason, and a therapist invited by email.
            BreakGlassEngagement = couple;
            using (await SubmitFormAsync(admin, "/practice/security", "break-glass", new Dictionary<string, string>
            {
                ["GlassEngagement"] = couple.ToString(),
                ["GlassReason"] = S("Riley's sister reported a suicide threat"),
            }, harvest, "admin"))
            {
            }

            var therapistEmail = Email("invited therapist's email");
            using (await SubmitFormAsync(admin, "/practice/people", "invite-person", new Dictionary<string, string> { ["InviteEmail"] = therapistEmail, ["InviteRole"] = "Therapist" }, harvest, "admin"))
            {
            }

            InvitationToken = await InvitationTokenAsync(therapistEmail);

            // A new engagement named by Alex, and a client invited to it by email.
            Guid created;
            using (var started = await SubmitFormAsync(alex, "/engagements/new", "new-engagement", new Dictionary<string, string> { ["Input.Title"] = S("Taylor after the overdose") }, harvest, "alex"))
            {
                created = GuidIn(started, "starting an engagement");
            }

            using (await SubmitFormAsync(alex, $"/engagements/{created}", "invite", new Dictionary<string, string> { ["InviteEmail"] = Email("invited client's email") }, harvest, "alex"))
            {
            }

            // Casey's own name, changed on the profile page.
            using (await SubmitFormAsync(casey, "/Account/Manage", "profile", new Dictionary<string, string> { ["Input.DisplayName"] = S("Casey Nguyen") }, harvest, "casey"))
            {
            }

            // A calendar feed for Alex (its secret link is a URL the app hands out).
            var feed = await SendAsync(alexApi, HttpMethod.Post, "/api/me/calendar-feed", null, "alex", HttpStatusCode.Created);
            CalendarToken = CalendarFeed().Match(feed.GetRawText()).Groups[1].Value;
            Assert.True(CalendarToken.Length > 0, "no calendar feed link in " + feed.GetRawText());
        }

        /// <summary>An API call whose answer (Location, JSON) is harvested like any other.</summary>
        private async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object? body, string who, HttpStatusCode expected)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null && method == HttpMethod.Get ? null : JsonContent.Create(body ?? new { }) };
            using var response = await client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == expected, $"{who}: {method} {path} answered {(int)response.StatusCode}: {text}");
            await harvest.ReadAsync(response, $"{who} (API): {method} {path}", new Uri(Origin, path), follow: false);
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        /// <summary>The token of the newest invitation mailed to this address (the outbox holds the link).</summary>
        private async Task<string> InvitationTokenAsync(string email)
        {
            var token = "";
            await app.WithDbAsync(async db =>
            {
                var bodies = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.To == email).Select(m => m.TextBody).ToListAsync(Ct);
                token = bodies.Select(b => InvitationLink().Match(b)).Where(m => m.Success).Select(m => m.Groups[1].Value).LastOrDefault() ?? "";
            });
            Assert.True(token.Length > 0, $"no invitation mail to {email}");
            return token;
        }

        private static Guid GuidIn(HttpResponseMessage response, string what)
        {
            var location = response.Headers.Location?.OriginalString ?? "";
            var match = GuidPattern().Match(location);
            Assert.True(match.Success, $"{what}: expected a redirect to the new record, got {(int)response.StatusCode} {location}");
            return Guid.Parse(match.Value);
        }

        [GeneratedRegex(@"/invitations/([A-Za-z0-9_-]+)")]
        private static partial Regex InvitationLink();

        [GeneratedRegex(@"/api/calendar/([A-Za-z0-9_-]+)\.ics")]
        private static partial Regex CalendarFeed();

        [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
        private static partial Regex GuidPattern();
    }
}
