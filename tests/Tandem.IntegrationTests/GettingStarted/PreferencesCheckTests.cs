using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.GettingStarted;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.GettingStarted;

/// <summary>
/// The preferences check a prospective client takes before a first conversation: one question per screen without
/// script, and the format it suggests kept when they go on to ask a therapist.
/// </summary>
public sealed partial class PreferencesCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] LinkIds = ["d1", "d2", "d3", "d4", "e1", "p1", "s1"];

    /// <summary>Directiveness +2: a strong wish to lead the work (client-led).</summary>
    private static Dictionary<string, string> ClientLeaning() => new()
    {
        ["a:d1"] = "2", ["a:d2"] = "2", ["a:d3"] = "3", ["a:d4"] = "1", ["a:e1"] = "0", ["a:p1"] = "-1", ["a:s1"] = "0",
    };

    [Fact]
    public async Task Continue_with_a_therapist_keeps_the_format_the_preferences_check_suggested()
    {
        await using var app = await TandemApp.StartAsync();
        var alex = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var browser = app.CreateAnonymousClient();

        // "Continue with Alex" on the result page: the answers ride along to the request form.
        var carry = new Dictionary<string, string>(ClientLeaning()) { ["carry"] = "1" };
        using var form = await PageForms.SubmitAsync(browser, $"/first-conversation/{alex}", "first-conversation", carry);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync(Ct);
        Assert.Contains("You said you&#x27;d like to lead the work; Alex will see that.", html, StringComparison.Ordinal);
        Assert.Equal("ClientLed", CheckedFormat(html));

        // The person sends the form as it stands: the request carries the suggested format, and the result with it.
        var send = HiddenAnswers(html);
        send["name"] = "Robin";
        send["email"] = "robin@example.test";
        send["preferredFormat"] = CheckedFormat(html)!;
        send["sendPreferences"] = "true";
        send["website"] = "";
        using var sent = await PageForms.SubmitAsync(browser, $"/first-conversation/{alex}", "first-conversation", send);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        await app.WithDbAsync(async db =>
        {
            var request = await db.Set<FirstConversationRequest>().SingleAsync(Ct);
            Assert.Equal(RequestedFormat.ClientLed, request.PreferredFormat);
            Assert.Equal(Tandem.Features.Engagements.EngagementFormat.ClientLed, request.SuggestedFormat);
        });

        // With no strong suggestion nothing is chosen for them, and nothing is claimed.
        var neutral = LinkIds.ToDictionary(id => "a:" + id, _ => "0");
        neutral["carry"] = "1";
        using var neutralForm = await PageForms.SubmitAsync(browser, $"/first-conversation/{alex}", "first-conversation", neutral);
        var neutralHtml = await neutralForm.Content.ReadAsStringAsync(Ct);
        Assert.Equal("NoPreference", CheckedFormat(neutralHtml));
        Assert.DoesNotContain("Alex will see that", neutralHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_takes_the_suggested_format_when_the_request_names_none()
    {
        await using var app = await TandemApp.StartAsync();
        var alex = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var anonymous = app.CreateAnonymousClient();
        await anonymous.PostJsonAsync("/api/directory/requests", new
        {
            therapistId = alex, name = "Robin", email = "robin@example.test", preferenceAnswers = DirectorySteps.TherapistLeaningAnswers,
        }, HttpStatusCode.Created);
        await app.WithDbAsync(async db =>
            Assert.Equal(RequestedFormat.TherapistLed, (await db.Set<FirstConversationRequest>().SingleAsync(Ct)).PreferredFormat));
    }

    [Fact]
    public async Task The_check_goes_one_question_per_screen_with_back_and_next_and_no_answers_in_the_url()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        const string path = "/guide/preferences-check";

        var first = await (await browser.GetAsync(path, Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Single(Questions().Matches(first));
        Assert.Contains("Question 1 of 7", first, StringComparison.Ordinal);
        Assert.Matches("<progress [^>]*max=\"7\"[^>]*value=\"1\"|<progress [^>]*value=\"1\"[^>]*max=\"7\"", first);
        Assert.Contains(">Next</button>", first, StringComparison.Ordinal);
        Assert.DoesNotContain(">Back</button>", first, StringComparison.Ordinal);
        Assert.DoesNotMatch("<form[^>]*method=\"get\"[^>]*class=\"questionnaire", first);

        // Next without an answer: stays, says why.
        using var unanswered = await PageForms.SubmitAsync(browser, path, "preferences-check", new Dictionary<string, string> { ["step"] = "0", ["move"] = "next" });
        var stay = await unanswered.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Question 1 of 7", stay, StringComparison.Ordinal);
        Assert.Contains("Choose an answer to go on.", stay, StringComparison.Ordinal);

        // Next: question 2, with the first answer carried in a hidden field (the form posts; nothing in the URL).
        using var second = await PageForms.SubmitAsync(browser, path, "preferences-check", new Dictionary<string, string> { ["step"] = "0", ["move"] = "next", ["a:d1"] = "2" });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondHtml = await second.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Question 2 of 7", secondHtml, StringComparison.Ordinal);
        Assert.Single(Questions().Matches(secondHtml));
        Assert.Contains("<input type=\"hidden\" name=\"a:d1\" value=\"2\"", secondHtml, StringComparison.Ordinal);
        Assert.Contains(">Back</button>", secondHtml, StringComparison.Ordinal);

        // Back: question 1 with its answer still chosen.
        using var back = await PageForms.SubmitAsync(browser, path, "preferences-check", new Dictionary<string, string> { ["step"] = "1", ["move"] = "back", ["a:d1"] = "2" });
        var backHtml = await back.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Question 1 of 7", backHtml, StringComparison.Ordinal);
        Assert.Matches("value=\"2\" checked", backHtml);

        // The last screen offers the result; the result shows the suggestion and the way on.
        var all = ClientLeaning();
        all["step"] = "6";
        all["move"] = "next";
        using var last = await PageForms.SubmitAsync(browser, path, "preferences-check", new Dictionary<string, string>(all) { ["step"] = "5" });
        var lastHtml = await last.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Question 7 of 7", lastHtml, StringComparison.Ordinal);
        Assert.Contains(">See my result</button>", lastHtml, StringComparison.Ordinal);
        all["move"] = "finish";
        using var result = await PageForms.SubmitAsync(browser, path, "preferences-check", all);
        var resultHtml = await result.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Suggested format: Client-led", resultHtml, StringComparison.Ordinal);
        Assert.Contains("Continue with Alex", resultHtml, StringComparison.Ordinal);

        // "Change my answers" on the result starts again at question 1, with every answer kept.
        var change = ClientLeaning();
        change["step"] = "0";
        change["move"] = "change";
        using var again = await PageForms.SubmitAsync(browser, path, "preferences-check", change);
        var againHtml = await again.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Question 1 of 7", againHtml, StringComparison.Ordinal);
        Assert.Matches("value=\"2\" checked", againHtml);
        Assert.Contains("<input type=\"hidden\" name=\"a:s1\" value=\"0\"", againHtml, StringComparison.Ordinal);

        // A missing answer at the end goes back to that question.
        all.Remove("a:e1");
        using var gap = await PageForms.SubmitAsync(browser, path, "preferences-check", all);
        Assert.Contains("Question 5 of 7", await gap.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static string? CheckedFormat(string html) =>
        FormatRadio().Matches(html).FirstOrDefault(m => m.Value.Contains("checked", StringComparison.Ordinal))?.Groups[1].Value;

    private static Dictionary<string, string> HiddenAnswers(string html) =>
        HiddenAnswer().Matches(html).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    [GeneratedRegex("<input type=\"radio\" name=\"preferredFormat\" value=\"(\\w+)\"[^>]*>")]
    private static partial Regex FormatRadio();

    [GeneratedRegex("<input type=\"hidden\" name=\"(a:\\w+)\" value=\"(-?\\d)\"")]
    private static partial Regex HiddenAnswer();

    [GeneratedRegex("<fieldset class=\"question")]
    private static partial Regex Questions();
}
