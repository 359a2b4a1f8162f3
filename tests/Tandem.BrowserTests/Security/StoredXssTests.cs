using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tandem.BrowserTests.Sessions;
using Tandem.BrowserTests.Support;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Security;

/// <summary>
/// QUALITY.md S4, stored XSS: script payloads saved (through the API, as their writers) in
/// every text field one person writes and another reads, then opened by that other person in
/// headless Chromium. Nothing may run (no <c>window.__xss</c>, no dialog), no live script,
/// event handler or javascript: link may reach the DOM, and every HTML response carries the CSP.
/// </summary>
public sealed class StoredXssTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each payload sets window.__xss to its field's name when it runs.</summary>
    private static string[] Payloads(string field) =>
    [
        $"<script>window.__xss='{field}'</script>",
        $"<img src=x onerror=\"window.__xss='{field}';alert(1)\">",
        $"\"><svg onload=\"window.__xss='{field}'\">",
        $"[click me](javascript:window.__xss='{field}')",
        $"<a href=\"javascript:window.__xss='{field}'\">link</a>",
        $"'><iframe srcdoc=\"<script>parent.__xss='{field}'</script>\"></iframe>",
    ];

    private sealed class Fields
    {
        public List<(string Name, int Payloads)> Saved { get; } = [];

        /// <summary>The visible word the reader's page must show (so the test knows it is looking at the field), then as many payloads as the field takes.</summary>
        public string Text(string name, int max = int.MaxValue)
        {
            var text = $"Xss{name}";
            var count = 0;
            foreach (var payload in Payloads(name))
            {
                if (text.Length + 1 + payload.Length > max)
                {
                    break;
                }

                text += " " + payload;
                count++;
            }

            Saved.Add((name, count));
            return text;
        }

        /// <summary>For tags, which refuse angle brackets: a payload that would break out of an attribute.</summary>
        public string Attribute(string name)
        {
            Saved.Add((name, 1));
            return $"Xss{name}\" autofocus onfocus=\"alert(1)";
        }

        /// <summary>For short fields (a name, pronouns, a tag): one payload.</summary>
        public string Short(string name, int max)
        {
            Saved.Add((name, 1));
            var text = $"Xss{name} <img src=x onerror=alert(1)>";
            return text.Length <= max ? text : $"Xss{name} <svg onload=alert(1)>"[..max];
        }
    }

    private static string Who(string reader) => reader.Length > 0 ? reader : "anonymous";

    [Fact]
    public async Task Script_payloads_in_every_shared_text_field_never_run_for_the_reader()
    {
        await using var app = await BrowserSession.StartAppAsync();
        var fields = new Fields();
        using var alex = await SessionSafetyTests.ApiAsync(app, "alex@riverside.test");
        using var sam = await SessionSafetyTests.ApiAsync(app, "sam@riverside.test");
        using var jordan = await SessionSafetyTests.ApiAsync(app, "jordan@riverside.test");
        using var admin = await SessionSafetyTests.ApiAsync(app, "admin@riverside.test");
        var sams = await SessionSafetyTests.SamsEngagementAsync(app);
        var jordans = (await jordan.GetJsonAsync("/api/engagements")).EnumerateArray().First().Id();
        var samId = (await sam.GetJsonAsync("/api/me")).Id();

        // The plan (Sam's engagement is client-led: Sam's changes apply at once).
        var plan = await sam.GetAsync($"/api/engagements/{sams}/plan", Ct);
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/engagements/{sams}/plan") { Content = JsonContent.Create(new { focus = fields.Text("Focus") }) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", plan.Headers.ETag!.ToString());
            var response = await sam.SendAsync(put, Ct);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        }

        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = fields.Text("Goal"), whyItMatters = fields.Text("Why") }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddQuestion", text = fields.Text("Question") }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/engagements/{sams}/commitments", new { text = fields.Text("Commitment"), ownerId = samId }, HttpStatusCode.Created);
        // Jordan's is therapist-led: the proposal waits for Alex, with its reason and a comment.
        var pending = await jordan.PostJsonAsync($"/api/engagements/{jordans}/proposals", new { kind = "AddGoal", text = fields.Text("PendingGoal"), reason = fields.Text("Reason") }, HttpStatusCode.Created);
        await jordan.PostJsonAsync($"/api/proposals/{pending.Id()}/comments", new { comment = fields.Text("Comment") }, HttpStatusCode.OK);

        // A session: its place (Alex), agenda (Sam), note, amendment and its reason (Alex), annotations and reflections (Sam).
        var session = (await alex.PostJsonAsync($"/api/engagements/{sams}/sessions", new { startsAt = DateTimeOffset.UtcNow.AddHours(-2), durationMinutes = 50, location = fields.Text("Location", 300) }, HttpStatusCode.Created)).Id();
        await sam.PostJsonAsync($"/api/sessions/{session}/agenda", new { text = fields.Text("Agenda") }, HttpStatusCode.Created);
        var note = await alex.GetAsync($"/api/sessions/{session}/note", Ct);
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/sessions/{session}/note") { Content = JsonContent.Create(new { body = fields.Text("Note") }) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", note.Headers.ETag!.ToString());
            Assert.Equal(HttpStatusCode.OK, (await alex.SendAsync(put, Ct)).StatusCode);
        }

        await alex.PostJsonAsync($"/api/sessions/{session}/note/sign", null, HttpStatusCode.OK);
        await alex.PostJsonAsync($"/api/sessions/{session}/note/amendments", new { body = fields.Text("Amendment"), reason = fields.Text("AmendReason", 500) }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/sessions/{session}/note/annotations", new { text = fields.Text("Annotation"), quote = "XssAmendment" }, HttpStatusCode.Created);
        var past = (await alex.GetJsonAsync($"/api/engagements/{sams}/sessions")).EnumerateArray().Last(s => s.Str("status") == "Completed").Id();
        await sam.PostJsonAsync($"/api/sessions/{past}/reflections", new { text = fields.Text("Reflection") }, HttpStatusCode.Created);

        // Messages both ways, and the practice's words around them (crisis information, expected reply).
        await sam.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = fields.Text("MessageFromSam") }, HttpStatusCode.Created);
        await alex.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = fields.Text("MessageFromAlex") }, HttpStatusCode.Created);
        using (var put = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = fields.Short("Reply", 100), crisisInformation = fields.Text("Crisis") }, Ct))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        }

        // A new engagement titled by Alex, joined by Sam.
        var titled = await alex.PostJsonAsync("/api/engagements", new { title = fields.Short("Title", 120), format = "TherapistLed" }, HttpStatusCode.Created);
        var invite = await alex.PostJsonAsync($"/api/engagements/{titled.Id()}/invitations", new { email = "sam@riverside.test" }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/invitations/{invite.Str("inviteUrl").Split('/').Last()}/accept", new { displayName = "Sam Okafor", password = TandemApp.DemoPassword }, HttpStatusCode.Created);

        // The directory: Alex's listing (read by anyone), a first-conversation request (read by Alex).
        using (var put = await alex.PutAsJsonAsync("/api/directory/profile", new
        {
            isListed = true, profileText = fields.Text("Listing"), approaches = new[] { fields.Attribute("Approach") }, languages = new[] { fields.Attribute("Language") },
            offersClientLed = true, offersTherapistLed = true, online = true, inPerson = true, acceptingNewClients = true,
        }, Ct))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        }

        using var anonymous = new HttpClient { BaseAddress = new Uri(BrowserSession.BaseUrl(app) + "/") };
        var listing = (await anonymous.GetJsonAsync("/api/directory")).EnumerateArray().First(e => e.Str("displayName") == "Alex Rivera").Id();
        var request = await anonymous.PostJsonAsync("/api/directory/requests", new
        {
            therapistId = listing, name = fields.Short("Requester", 100), email = "xss@example.test", phone = (string?)null,
            message = fields.Text("RequestMessage"), preferredFormat = "NoPreference",
        }, HttpStatusCode.Created);

        // An imported instrument (Alex), its title and question text read by the admin and by Sam.
        var questionnaire = JsonNode.Parse(SampleQuestionnaires.MoodCheck())!;
        questionnaire["id"] = "xss-check";
        questionnaire["url"] = "https://example.org/fhir/Questionnaire/xss-check";
        questionnaire["title"] = fields.Short("InstrumentTitle", 200);
        questionnaire["item"]![0]!["text"] = fields.Text("QuestionText");
        questionnaire["item"]![0]!["answerOption"]![0]!["valueCoding"]!["display"] = fields.Short("AnswerText", 200);
        using var upload = new StringContent(questionnaire.ToJsonString(), System.Text.Encoding.UTF8, "application/fhir+json");
        using var uploaded = await alex.PostAsync("/api/practice/instruments", upload, Ct);
        var uploadText = await uploaded.Content.ReadAsStringAsync(Ct);
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, uploadText);
        var instrument = System.Text.Json.JsonDocument.Parse(uploadText).RootElement;
        await admin.PostJsonAsync($"/api/practice/instruments/{instrument.Id()}/enable", null, HttpStatusCode.OK);
        var instrumentKey = instrument.Str("key");

        // Sam's name and pronouns, last, so every page Alex opens shows them (through Sam's own profile form).
        var samPage = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(samPage, "sam@riverside.test");
        await samPage.GotoAsync("/Account/Manage");
        await samPage.Locator("[id='Input.DisplayName']").FillAsync(fields.Short("Name", 80));
        await samPage.Locator("[id='Input.Pronouns']").FillAsync("<svg onload=alert(1)>");
        fields.Saved.Add(("Pronouns", 1));
        await samPage.Locator("[id='Input.DisplayName']").PressAsync("Enter");
        await samPage.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.StartsWith("XssName", (await sam.GetJsonAsync("/api/me")).Str("displayName"), StringComparison.Ordinal);

        // Each reader opens the pages where the others' words appear; each page must show the word named.
        var visits = new (string Reader, string Path, string[] Shows)[]
        {
            ("alex@riverside.test", $"/engagements/{sams}/plan", ["XssFocus", "XssGoal", "XssQuestion", "XssCommitment", "XssName"]),
            ("alex@riverside.test", $"/engagements/{jordans}/plan", ["XssPendingGoal"]),
            ("alex@riverside.test", $"/sessions/{session}", ["XssAgenda"]),
            ("alex@riverside.test", $"/sessions/{session}/note", ["XssAnnotation"]),
            ("alex@riverside.test", $"/sessions/{past}/note", ["XssReflection"]),
            ("alex@riverside.test", $"/engagements/{sams}/messages", ["XssMessageFromSam"]),
            ("alex@riverside.test", $"/engagements/{sams}", ["XssName"]),
            ("alex@riverside.test", $"/directory/requests/{request.Id()}", ["XssRequestMessage"]),
            ("alex@riverside.test", "/", []),
            ("alex@riverside.test", "/sessions", []),
            ("alex@riverside.test", "/alerts", []),
            ("sam@riverside.test", $"/sessions/{session}", ["XssLocation"]),
            ("sam@riverside.test", $"/sessions/{session}/note", ["XssAmendment"]),
            ("sam@riverside.test", $"/sessions/{session}/note/history", []),
            ("sam@riverside.test", $"/engagements/{sams}/messages", ["XssMessageFromAlex"]),
            ("sam@riverside.test", $"/engagements/{sams}/plan", ["XssFocus"]),
            ("sam@riverside.test", $"/engagements/{sams}/measures/{instrumentKey}", ["XssQuestionText"]),
            ("sam@riverside.test", $"/engagements/{titled.Id()}", ["XssTitle"]),
            ("sam@riverside.test", "/", []),
            ("sam@riverside.test", "/sessions", []),
            ("jordan@riverside.test", $"/engagements/{jordans}/plan", ["XssPendingGoal"]),
            ("admin@riverside.test", $"/practice/instruments/{instrument.Id()}", ["XssQuestionText"]),
            ("admin@riverside.test", "/practice/instruments", []),
            ("admin@riverside.test", "/practice/engagements", []),
            ("admin@riverside.test", "/practice/people", []),
            ("", "/directory", ["XssListing"]),
            ("", $"/first-conversation/{listing}", ["XssListing"]),
        };

        var problems = new List<string>();
        var pagesOpened = 0;
        foreach (var reader in visits.Select(v => v.Reader).Distinct())
        {
            var page = await BrowserSession.NewPageAsync(browser, app);
            var dialogs = new List<string>();
            page.Dialog += (_, d) =>
            {
                lock (dialogs)
                {
                    dialogs.Add(d.Message);
                }

                _ = d.DismissAsync();
            };
            page.Response += (_, r) =>
            {
                var type = r.Headers.TryGetValue("content-type", out var t) ? t : "";
                if (type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) && !r.Headers.ContainsKey("content-security-policy"))
                {
                    lock (problems)
                    {
                        problems.Add($"{r.Url} ({r.Status}) has no Content-Security-Policy");
                    }
                }
            };
            if (reader.Length > 0)
            {
                await BrowserSession.SignInAsync(page, reader);
            }

            foreach (var (_, path, shows) in visits.Where(v => v.Reader == reader))
            {
                pagesOpened++;
                var response = await page.GotoAsync(path);
                if (response is null || !response.Ok)
                {
                    problems.Add($"{Who(reader)} {path}: {response?.Status}");
                    continue;
                }

                foreach (var word in shows)
                {
                    // Live pages fill in over their connection: wait for the words.
                    try
                    {
                        await page.WaitForFunctionAsync("w => document.body.innerText.includes(w)", word, new() { Timeout = 20_000 });
                    }
                    catch (System.TimeoutException)
                    {
                        problems.Add($"{Who(reader)} {path}: '{word}' is not on the page, so the test did not see that field");
                        await BrowserSession.ScreenshotAsync(page, "xss-missing-" + word);
                    }
                }

                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await page.WaitForTimeoutAsync(200);
                var ran = await page.EvaluateAsync<string?>("() => window.__xss ?? null");
                if (ran is not null)
                {
                    problems.Add($"EXECUTED: {Who(reader)} {path}: the payload of field {ran} ran");
                }

                var live = await page.EvaluateAsync<string[]>("""
                    () => {
                      const found = [];
                      for (const e of document.querySelectorAll('*')) {
                        for (const a of e.attributes) {
                          const v = a.value.trim().toLowerCase();
                          if (a.name.startsWith('on') && v.includes('__xss') || a.name.startsWith('on') && v.includes('alert(')) found.push(`${e.tagName} ${a.name}`);
                          if ((a.name === 'href' || a.name === 'src' || a.name === 'action' || a.name === 'formaction') && v.startsWith('javascript:')) found.push(`${e.tagName} ${a.name}=javascript:`);
                          if (a.name === 'srcdoc') found.push(`${e.tagName} srcdoc`);
                        }
                        if (e.tagName === 'SCRIPT' && e.textContent.includes('__xss')) found.push('SCRIPT with a payload');
                      }
                      return found;
                    }
                    """);
                foreach (var l in live)
                {
                    problems.Add($"LIVE MARKUP: {Who(reader)} {path}: {l}");
                }
            }

            if (dialogs.Count > 0)
            {
                problems.Add($"EXECUTED: {Who(reader)} saw {dialogs.Count} dialog(s)");
            }
        }

        var executed = problems.Count(p => p.StartsWith("EXECUTED", StringComparison.Ordinal));
        var liveMarkup = problems.Count(p => p.StartsWith("LIVE MARKUP", StringComparison.Ordinal));
        var line = $"figure: stored XSS: {fields.Saved.Sum(f => f.Payloads)} payloads in {fields.Saved.Count} fields, {executed} executed ({liveMarkup} live script elements, handlers or javascript: links in the DOM; {pagesOpened} pages opened by {visits.Select(v => v.Reader).Distinct().Count()} readers)";
        // Straight to the runner's output (xunit does not capture the console), where test.sh picks up "figure:" lines.
        Console.WriteLine(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
