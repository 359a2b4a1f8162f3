using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Sessions;

public sealed class SharedNoteTests
{
    [Fact]
    public async Task Draft_edits_need_If_Match_428_without_and_412_when_stale()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddDays(1));
        var (_, etag) = await SessionSteps.GetNoteAsync(alex, id);
        Assert.False(string.IsNullOrEmpty(etag));

        using (var missing = await SessionSteps.PutNoteAsync(alex, id, "First words", null))
        {
            Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        }

        using (var first = await SessionSteps.PutNoteAsync(alex, id, "First words", etag))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.NotEqual(etag, first.Headers.ETag?.ToString());
        }

        using (var stale = await SessionSteps.PutNoteAsync(alex, id, "Overwrites what I have not seen", etag))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        }

        var (note, _) = await SessionSteps.GetNoteAsync(alex, id);
        Assert.Equal("First words", note.Str("body"));
    }

    [Fact]
    public async Task Concurrent_draft_saves_with_one_ETag_let_exactly_one_win()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddDays(1));
        var (_, etag) = await SessionSteps.GetNoteAsync(alex, id);

        var attempts = Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await SessionSteps.PutNoteAsync(alex, id, $"Version {i}", etag);
            return response.StatusCode;
        });
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r == HttpStatusCode.OK));
        Assert.All(results.Where(r => r != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r));
    }

    [Fact]
    [Trait("Suite", "Reliability")]
    public async Task Rounds_of_three_devices_saving_one_draft_at_once_lose_no_update()
    {
        // QUALITY.md R2 on a note: a draft has no history, so a lost update would be a silent overwrite.
        await using var app = await TandemApp.StartAsync();
        var devices = new[] { await app.ClientForAsync("alex@riverside.test"), await app.ClientForAsync("alex@riverside.test"), await app.ClientForAsync("alex@riverside.test") };
        var id = await SessionSteps.ScheduleAsync(devices[0], await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddDays(1));
        var rounds = Figures.FullMode ? 1000 : 200;
        var stale = 0;
        string? previous = null;
        for (var round = 0; round < rounds; round++)
        {
            var (note, etag) = await SessionSteps.GetNoteAsync(devices[0], id);
            if (previous is not null)
            {
                Assert.Equal(previous, note.Str("body"));
            }

            var texts = devices.Select((_, i) => $"Round {round}, device {i}").ToArray();
            var results = await Task.WhenAll(devices.Select((d, i) => Task.Run(async () =>
            {
                using var response = await SessionSteps.PutNoteAsync(d, id, texts[i], etag);
                return response.StatusCode;
            }, TestContext.Current.CancellationToken)));
            Assert.Equal(1, results.Count(r => r == HttpStatusCode.OK));
            Assert.All(results.Where(r => r != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r));
            stale += results.Length - 1;
            previous = texts[Array.IndexOf(results, HttpStatusCode.OK)];
        }

        Assert.Equal(previous, (await SessionSteps.GetNoteAsync(devices[0], id)).Note.Str("body"));
        foreach (var device in devices)
        {
            device.Dispose();
        }

        Figures.Print($"concurrent edits: {rounds} rounds of {devices.Length} devices saving one note draft, {rounds} saves accepted, {stale} stale saves refused with 412, 0 lost updates");
    }

    [Fact]
    public async Task A_signed_note_body_never_changes_through_any_endpoint()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddHours(-2));
        await SessionSteps.SignedNoteAsync(alex, id, "We talked about the week.");
        var (signed, etag) = await SessionSteps.GetNoteAsync(alex, id);
        Assert.Equal("Signed", signed.Str("status"));

        // PUT with the current ETag and without one: 409 either way.
        using (var put = await SessionSteps.PutNoteAsync(alex, id, "Rewritten", etag))
        {
            Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        }

        using (var putWithout = await SessionSteps.PutNoteAsync(alex, id, "Rewritten", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, putWithout.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/sessions/{id}/note/sign"));
        var hostile = new { body = "Rewritten", text = "A comment", reason = "Because", quote = "", authorId = Guid.NewGuid(), signedAt = DateTimeOffset.UnixEpoch, createdAt = DateTimeOffset.UnixEpoch, status = "Draft" };
        foreach (var client in new[] { alex, sam })
        {
            foreach (var endpoint in Tandem.IntegrationTests.Support.EndpointInfo.All(app.Services).Where(e => e.Pattern.StartsWith("/api/sessions/{id", StringComparison.Ordinal) && e.Method != "GET"))
            {
                using var _ = await SessionSteps.SendAsync(client, new HttpMethod(endpoint.Method), endpoint.PathWith(id.ToString()), hostile);
            }
        }

        var (after, _) = await SessionSteps.GetNoteAsync(sam, id);
        Assert.Equal("We talked about the week.", after.Str("body"));
        Assert.Equal("Signed", after.Str("status"));
        Assert.Equal(signed.GetProperty("signedAt").GetDateTimeOffset(), after.GetProperty("signedAt").GetDateTimeOffset());
        Assert.Equal(signed.Str("authorName"), after.Str("authorName"));
        // The amendment endpoint was among them: it adds beside the original, never over it.
        Assert.All(after.GetProperty("amendments").EnumerateArray(), a => Assert.Equal("Rewritten", a.Str("body")));
    }

    [Fact]
    public async Task Amendments_keep_the_original_and_show_reason_author_and_history()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddHours(-2));

        Assert.Equal(HttpStatusCode.Conflict, await alex.StatusOfPostAsync($"/api/sessions/{id}/note/amendments", new { body = "x", reason = "y" }));
        await SessionSteps.SignedNoteAsync(alex, id, "Sam chose to wait two weeks.");
        await alex.PostJsonAsync($"/api/sessions/{id}/note/amendments", new { body = "Sam chose to wait three weeks." }, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NotFound, await sam.StatusOfPostAsync($"/api/sessions/{id}/note/amendments", new { body = "Mine now", reason = "I am the client" }));

        var amended = await alex.PostJsonAsync($"/api/sessions/{id}/note/amendments", new { body = "Sam chose to wait three weeks.", reason = "Sam corrected the number." }, HttpStatusCode.Created);

        Assert.Equal("Sam chose to wait two weeks.", amended.Str("body"));
        Assert.Equal("Sam chose to wait three weeks.", amended.Str("currentBody"));
        var (seen, _) = await SessionSteps.GetNoteAsync(sam, id);
        var amendment = Assert.Single(seen.GetProperty("amendments").EnumerateArray());
        Assert.Equal("Sam corrected the number.", amendment.Str("reason"));
        Assert.Equal("Alex Rivera", amendment.Str("authorName"));
        var history = await sam.GetJsonAsync($"/api/sessions/{id}/note/history");
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(2, versions.Count);
        Assert.Contains("<del>two</del>", versions[1].Str("changesHtml"), StringComparison.Ordinal);
        Assert.Contains("<ins>three</ins>", versions[1].Str("changesHtml"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Annotations_quote_the_note_and_cannot_touch_body_author_or_time()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddHours(-2));
        Assert.Equal(HttpStatusCode.Conflict, await sam.StatusOfPostAsync($"/api/sessions/{id}/note/annotations", new { text = "Nothing to answer yet" }));
        await SessionSteps.SignedNoteAsync(alex, id, "We looked at **what helps on flat days**.");
        var (before, etag) = await SessionSteps.GetNoteAsync(sam, id);

        await sam.PostJsonAsync($"/api/sessions/{id}/note/annotations", new { text = "Not what I said", quote = "something invented" }, HttpStatusCode.UnprocessableEntity);
        var annotation = await sam.PostJsonAsync($"/api/sessions/{id}/note/annotations",
            new { text = "Yes, that is it.", quote = "what helps on flat days", stance = "Agree", body = "Hacked", authorId = Guid.NewGuid(), createdAt = DateTimeOffset.UnixEpoch },
            HttpStatusCode.Created);

        Assert.Equal("Agree", annotation.Str("stance"));
        Assert.Equal("Sam Okafor", annotation.Str("authorName"));
        Assert.NotEqual(DateTimeOffset.UnixEpoch, annotation.GetProperty("createdAt").GetDateTimeOffset());
        var (after, etagAfter) = await SessionSteps.GetNoteAsync(alex, id);
        Assert.Equal(before.Str("body"), after.Str("body"));
        Assert.Equal(before.Str("authorName"), after.Str("authorName"));
        Assert.Equal(before.GetProperty("signedAt").GetDateTimeOffset(), after.GetProperty("signedAt").GetDateTimeOffset());
        Assert.Equal(etag, etagAfter);
        Assert.Single(after.GetProperty("annotations").EnumerateArray());
    }

    [Fact]
    public async Task Reflections_are_the_clients_own_and_a_partner_does_not_see_them()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var morgan = await app.ClientForAsync("morgan@riverside.test");
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        var id = await SessionSteps.ScheduleAsync(morgan, couple, app.Clock.GetUtcNow().AddDays(1));

        Assert.Equal(HttpStatusCode.NotFound, await morgan.StatusOfPostAsync($"/api/sessions/{id}/reflections", new { text = "Therapists annotate" }));
        await riley.PostJsonAsync($"/api/sessions/{id}/reflections", new { text = "Riley's own words" }, HttpStatusCode.Created);

        var (forMorgan, _) = await SessionSteps.GetNoteAsync(morgan, id);
        var (forRiley, _) = await SessionSteps.GetNoteAsync(riley, id);
        var (forAvery, _) = await SessionSteps.GetNoteAsync(avery, id);
        Assert.Single(forMorgan.GetProperty("reflections").EnumerateArray());
        Assert.Single(forRiley.GetProperty("reflections").EnumerateArray());
        Assert.Empty(forAvery.GetProperty("reflections").EnumerateArray());
    }

    [Fact]
    public async Task Agenda_items_come_from_everyone_and_only_the_therapist_orders_them()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var id = await SessionSteps.ScheduleAsync(alex, await Demo.SamsEngagementAsync(app), app.Clock.GetUtcNow().AddDays(1));

        var update = await sam.PostJsonAsync($"/api/sessions/{id}/agenda", new { text = "A better week", kind = "Update" }, HttpStatusCode.Created);
        var topic = await alex.PostJsonAsync($"/api/sessions/{id}/agenda", new { text = "Our plan" }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/sessions/{id}/agenda", new { text = "" }, HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NotFound, (await SessionSteps.SendAsync(sam, HttpMethod.Put, $"/api/sessions/{id}/agenda/order", new { itemIds = new[] { topic.Id(), update.Id() } })).StatusCode);
        using var ordered = await SessionSteps.SendAsync(alex, HttpMethod.Put, $"/api/sessions/{id}/agenda/order", new { itemIds = new[] { topic.Id(), update.Id() } });
        Assert.Equal(HttpStatusCode.OK, ordered.StatusCode);

        var view = await sam.GetJsonAsync($"/api/sessions/{id}");
        var agenda = view.GetProperty("agenda").EnumerateArray().ToList();
        Assert.Equal(["Our plan", "A better week"], agenda.Select(a => a.Str("text")));
        Assert.Equal("Sam Okafor", agenda[1].Str("authorName"));
        Assert.Equal("Update", agenda[1].Str("kind"));
    }
}
