using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

/// <summary>The server-rendered note page: its forms obey the same rules as the API.</summary>
public sealed class NotePageTests
{
    [Fact]
    public async Task A_signed_note_body_cannot_be_changed_through_any_form_of_the_note_page()
    {
        await using var app = await TandemApp.StartAsync();
        using var alexApi = await app.ClientForAsync("alex@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alexApi, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddHours(-2));
        await SessionSteps.SignedNoteAsync(alexApi, id, "Signed words.");
        var (signed, etag) = await SessionSteps.GetNoteAsync(alexApi, id);

        foreach (var email in new[] { "alex@riverside.test", "sam@riverside.test" })
        {
            using var browser = app.CreateAnonymousClient();
            await PageForms.SignInAsync(browser, email);
            var hostile = new Dictionary<string, string>
            {
                ["Draft.Body"] = "Rewritten by form",
                ["Draft.ETag"] = etag,
                ["SignForm.ETag"] = etag,
                ["Amend.Body"] = "Amended by form",
                ["Amend.Reason"] = "A reason",
                ["Annotate.Text"] = "A comment",
                ["Annotate.Quote"] = "",
                ["Annotate.Stance"] = "None",
                ["Reflect.Text"] = "A reflection",
            };
            foreach (var form in new[] { "draft", "sign", "amend", "annotate", "reflect" })
            {
                using var response = await PageForms.SubmitAsync(browser, $"/sessions/{id}/note", form, hostile);
                Assert.True((int)response.StatusCode < 500, $"{email} {form}: {(int)response.StatusCode}");
            }
        }

        var (after, _) = await SessionSteps.GetNoteAsync(alexApi, id);
        Assert.Equal("Signed words.", after.Str("body"));
        Assert.Equal(signed.GetProperty("signedAt").GetDateTimeOffset(), after.GetProperty("signedAt").GetDateTimeOffset());
        // Alex's amendment form is the one legitimate way: beside the original, with its reason.
        var amendment = Assert.Single(after.GetProperty("amendments").EnumerateArray());
        Assert.Equal("Amended by form", amendment.Str("body"));
        Assert.Equal("Alex Rivera", amendment.Str("authorName"));
    }

    [Fact]
    public async Task The_draft_form_saves_with_its_version_and_refuses_a_stale_one()
    {
        await using var app = await TandemApp.StartAsync();
        using var alexApi = await app.ClientForAsync("alex@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alexApi, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddDays(1));
        var (_, etag) = await SessionSteps.GetNoteAsync(alexApi, id);
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "alex@riverside.test");

        using var saved = await PageForms.SubmitAsync(browser, $"/sessions/{id}/note", "draft", new Dictionary<string, string> { ["Draft.Body"] = "The client refused.", ["Draft.ETag"] = etag });
        var html = await saved.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Draft saved", html, StringComparison.Ordinal);
        Assert.Contains("Declines", html, StringComparison.Ordinal);
        using var stale = await PageForms.SubmitAsync(browser, $"/sessions/{id}/note", "draft", new Dictionary<string, string> { ["Draft.Body"] = "Overwrite", ["Draft.ETag"] = etag });
        Assert.Contains("has changed since you opened it", await stale.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var (note, _) = await SessionSteps.GetNoteAsync(alexApi, id);
        Assert.Equal("The client refused.", note.Str("body"));
    }

    [Fact]
    public async Task Session_pages_answer_404_to_people_outside_the_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        using var alexApi = await app.ClientForAsync("alex@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alexApi, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddDays(1));
        using var jordan = app.CreateAnonymousClient();
        await PageForms.SignInAsync(jordan, "jordan@riverside.test");

        foreach (var path in new[] { $"/sessions/{id}", $"/sessions/{id}/note", $"/sessions/{id}/note/history", $"/sessions/{Guid.NewGuid()}" })
        {
            using var response = await jordan.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }

        using var schedule = await jordan.GetAsync("/sessions", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, schedule.StatusCode);
        Assert.DoesNotContain("footing", await schedule.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_language_check_answers_hits_with_suggestion_and_source()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var hits = await alex.PostJsonAsync("/api/language/check", new { text = "the client refused and is non-compliant" }, HttpStatusCode.OK);

        var list = hits.EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        Assert.Equal(11, list[0].GetProperty("start").GetInt32());
        Assert.Equal(7, list[0].GetProperty("length").GetInt32());
        Assert.Equal("refuse", list[0].Str("term"));
        Assert.All(list, h =>
        {
            Assert.False(string.IsNullOrEmpty(h.Str("category")));
            Assert.False(string.IsNullOrEmpty(h.Str("suggestion")));
            Assert.False(string.IsNullOrEmpty(h.Str("source")));
        });
    }
}
