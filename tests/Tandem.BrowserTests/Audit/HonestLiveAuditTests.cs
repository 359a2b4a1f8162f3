using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tandem.BrowserTests.Support;
using Tandem.Features.Audit;
using Tandem.Features.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Audit;

/// <summary>
/// Issue 27 and QUALITY.md R7: a live page never reads, marks read or audits for a person who is
/// not looking. Alex opens Sam's conversation and plan, then (a) his browser goes away without a
/// goodbye (its pages stop running, as when a lid closes), (b) the pages are hidden behind
/// another tab, (c) he closes them; Sam writes a message and adds a question to the plan. Sam's
/// message stays unread by Alex and Sam's engagement gains no audit entry by Alex, until Alex
/// really looks (then what he is shown is recorded as shown live).
/// </summary>
public sealed class HonestLiveAuditTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Away
    {
        GoneWithoutGoodbye,
        Hidden,
        Closed,
    }

    [Theory]
    [InlineData(Away.GoneWithoutGoodbye)]
    [InlineData(Away.Hidden)]
    [InlineData(Away.Closed)]
    public async Task Nobody_looking_means_nothing_read_marked_read_or_audited_until_Alex_looks(Away away)
    {
        await using var app = await BrowserSession.StartAppAsync();
        using var samApi = await BrowserSession.ApiAsync(app, "sam@riverside.test");
        var sams = (await samApi.GetJsonAsync("/api/engagements")).EnumerateArray().Single().Id();
        var alexId = Guid.Empty;
        await app.WithDbAsync(async db => alexId = (await db.Users.SingleAsync(u => u.Email == "alex@riverside.test", Ct)).Id);

        var conversation = await BrowserSession.NewPageAsync(browser, app);
        await BrowserSession.SignInAsync(conversation, "alex@riverside.test");
        await conversation.GotoAsync($"/engagements/{sams}/messages");
        await Assertions.Expect(conversation.Locator(".conversation[data-live]")).ToHaveCountAsync(1);
        var plan = await conversation.Context.NewPageAsync();
        await plan.GotoAsync($"/engagements/{sams}/plan");
        await Assertions.Expect(plan.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        // Both pages have told the server they are seen.
        await Task.Delay(1500, Ct);

        var cdp = new List<ICDPSession>();
        switch (away)
        {
            case Away.GoneWithoutGoodbye:
                // The pages stop running without closing anything (a closed lid, a frozen tab): no goodbye, no more reports.
                foreach (var page in new[] { conversation, plan })
                {
                    var session = await page.Context.NewCDPSessionAsync(page);
                    await session.SendAsync("Debugger.enable");
                    await session.SendAsync("Debugger.pause");
                    cdp.Add(session);
                }

                break;
            case Away.Hidden:
                foreach (var page in new[] { conversation, plan })
                {
                    await SetVisibleAsync(page, false);
                }

                break;
            case Away.Closed:
                await conversation.CloseAsync();
                await plan.CloseAsync();
                break;
        }

        // Time passes (the app's clock): a silent page is no longer taken as looked at.
        app.Clock.Advance(TimeSpan.FromSeconds(20));
        var mark = await BrowserSession.LastAuditEntryAsync(app);

        var posted = await samApi.PostJsonAsync($"/api/engagements/{sams}/messages", new { body = "Are we still on for Thursday?" }, System.Net.HttpStatusCode.Created);
        await samApi.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddQuestion", text = "What helps on a hard morning?" }, System.Net.HttpStatusCode.Created);
        await Task.Delay(3000, Ct);

        Assert.False(await ReadByAlexAsync(app, sams, alexId, posted.GetProperty("sequence").GetInt64()), "Sam's message was marked read by Alex while nobody looked.");
        var byAlex = await AuditByAsync(app, sams, alexId, mark);
        Assert.True(byAlex.Count == 0, "Audit entries by Alex while nobody looked: " + string.Join(", ", byAlex.Select(e => $"{e.Action} {e.ObjectType} ({e.Purpose})")));

        if (away == Away.Closed)
        {
            Figures.Print("honest live audit (closed): 0 reads, 0 read receipts, 0 audit entries for Alex after he closed his pages");
            return;
        }

        // Alex really looks again: the pages show what changed, the message is read, and the log says he was shown it live.
        switch (away)
        {
            case Away.GoneWithoutGoodbye:
                foreach (var session in cdp)
                {
                    // The pause is armed at once but takes hold only when the page next runs a script (its next
                    // report): if none ran while away, there is nothing to resume. Disabling the debugger also
                    // drops a pause that is still armed.
                    try
                    {
                        await session.SendAsync("Debugger.resume");
                    }
                    catch (PlaywrightException e) when (e.Message.Contains("while paused", StringComparison.Ordinal))
                    {
                    }

                    await session.SendAsync("Debugger.disable");
                }

                break;
            case Away.Hidden:
                foreach (var page in new[] { conversation, plan })
                {
                    await SetVisibleAsync(page, true);
                }

                break;
        }

        await Assertions.Expect(conversation.Locator(".message.theirs").Last).ToContainTextAsync("still on for Thursday", new() { Timeout = 15_000 });
        await Assertions.Expect(plan.GetByText("What helps on a hard morning?").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.True(await EventuallyAsync(() => ReadByAlexAsync(app, sams, alexId, posted.GetProperty("sequence").GetInt64())), "Back at the page, Alex has read Sam's message.");
        var shown = await AuditByAsync(app, sams, alexId, mark);
        Assert.NotEmpty(shown);
        Assert.All(shown.Where(e => e.Action == AuditAction.Read), e => Assert.Equal(AuditPurposes.LiveUpdate, e.Purpose));
        Figures.Print($"honest live audit ({away}): 0 entries while away; {shown.Count} after Alex looked again, reads recorded as shown live");
    }

    private static async Task SetVisibleAsync(IPage page, bool visible) =>
        await page.EvaluateAsync("""
            visible => {
              Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visible ? "visible" : "hidden" });
              Object.defineProperty(document, "hidden", { configurable: true, get: () => !visible });
              document.dispatchEvent(new Event("visibilitychange"));
            }
            """, visible);

    private static async Task<List<AuditEntry>> AuditByAsync(TandemApp app, Guid engagementId, Guid userId, long after)
    {
        var entries = new List<AuditEntry>();
        await app.WithDbAsync(async db => entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Id > after && e.UserId == userId && e.EngagementId == engagementId).ToListAsync(Ct));
        return entries;
    }

    private static async Task<bool> ReadByAlexAsync(TandemApp app, Guid engagementId, Guid alexId, long sequence)
    {
        var read = false;
        await app.WithDbAsync(async db => read = await db.Set<MessageReadState>().AnyAsync(r => r.EngagementId == engagementId && r.UserId == alexId && r.ThreadWith == Guid.Empty && r.ReadUpTo >= sequence, Ct));
        return read;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> check)
    {
        for (var i = 0; i < 30; i++)
        {
            if (await check())
            {
                return true;
            }

            await Task.Delay(300, Ct);
        }

        return false;
    }
}
