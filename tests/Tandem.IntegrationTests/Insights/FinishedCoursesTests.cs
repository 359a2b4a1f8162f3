using System.Net;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Insights;

/// <summary>
/// Issue 20, comparable figures: a hand-worked cohort built through the app's own API (Harbor,
/// Lee's caseload), finished in one month, with its first scores a month before. The finished
/// courses view must match the hand-worked figures to the digit (docs/outcome-disclosure.md).
/// </summary>
public sealed class FinishedCoursesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Phq9Items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];

    private static readonly string[] Gad7Items = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"];

    /// <summary>A total spread over the items, 0-3 each; PHQ-9 item 9 (thoughts of self-harm) stays 0.</summary>
    private static object Answers(string instrument, int total)
    {
        var items = instrument == "phq-9" ? Phq9Items[..8] : Gad7Items;
        var values = items.Select((_, i) => Math.Clamp(total - (3 * i), 0, 3)).ToList();
        Assert.Equal(total, values.Sum());
        var answers = items.Select((l, i) => new { linkId = l, value = values[i] }).ToList();
        if (instrument == "phq-9")
        {
            answers.Add(new { linkId = "44260-8", value = 0 });
        }

        return new { instrumentId = instrument, answers };
    }

    // Five of each (docs/outcome-disclosure.md, "a worked example"): PHQ-9 first, middle, last; GAD-7 first, middle, last; held sessions.
    private static readonly (int[] Phq, int[] Gad, int Sessions)[] Patterns =
    [
        ([18, 12, 6], [14, 9, 5], 3),   // A: reliable improvement, reliable recovery, response
        ([12, 8, 4], [9, 8, 6], 3),     // B: reliable improvement (GAD-7 fell 3: not reliable), reliable recovery, response, remission
        ([15, 14, 13], [10, 10, 9], 3), // C: no reliable change, still a case
        ([8, 12, 16], [5, 7, 10], 0),   // D: reliable deterioration, not a case at the start, ended early
        ([14, 10, 7], [6, 9, 12], 3),   // E: mixed (PHQ-9 fell 7, GAD-7 rose 6); PHQ-9 response (7 is half of 14)
    ];

    [Fact]
    public async Task A_hand_worked_cohort_of_finished_courses_matches_to_the_digit()
    {
        await using var app = await TandemApp.StartAsync();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

        // December: 25 clients join Lee, give their first and a middle score, and (all but D) have three sessions.
        var courses = new List<(Guid Id, string Email, int Pattern)>();
        for (var i = 0; i < 25; i++)
        {
            var email = $"cohort{i:00}@example.test";
            var (id, client) = await NewClient.JoinAsync(app, "lee@harbor.test", email, "ClientLed");
            using (client)
            {
                await client.PostJsonAsync($"/api/engagements/{id}/responses", Answers("phq-9", Patterns[i % 5].Phq[0]), HttpStatusCode.Created);
                await client.PostJsonAsync($"/api/engagements/{id}/responses", Answers("gad-7", Patterns[i % 5].Gad[0]), HttpStatusCode.Created);
            }

            courses.Add((id, email, i % 5));
        }

        var sessions = new List<Guid>();
        using (var lee = await app.ClientForAsync("lee@harbor.test"))
        {
            foreach (var (id, _, pattern) in courses)
            {
                for (var s = 1; s <= Patterns[pattern].Sessions; s++)
                {
                    var session = await lee.PostJsonAsync($"/api/engagements/{id}/sessions", new { startsAt = app.Clock.GetUtcNow().AddDays(s).AddHours(1), durationMinutes = 50, location = "Room 1" }, HttpStatusCode.Created);
                    sessions.Add(session.Id());
                }
            }
        }

        app.Clock.Advance(TimeSpan.FromDays(5));
        using (var lee = await app.ClientForAsync("lee@harbor.test"))
        {
            foreach (var session in sessions)
            {
                await lee.PostJsonAsync($"/api/sessions/{session}/status", new { status = "Completed" }, HttpStatusCode.OK);
            }
        }

        foreach (var (id, email, pattern) in courses)
        {
            using var client = await app.ClientForAsync(email, NewClient.Password);
            await client.PostJsonAsync($"/api/engagements/{id}/responses", Answers("phq-9", Patterns[pattern].Phq[1]), HttpStatusCode.Created);
            await client.PostJsonAsync($"/api/engagements/{id}/responses", Answers("gad-7", Patterns[pattern].Gad[1]), HttpStatusCode.Created);
        }

        // The next month (in Harbor's time zone): the last scores, then every course ends.
        var now = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), zone);
        var nextMonth = new DateTimeOffset(new DateTime(now.Year, now.Month, 1).AddMonths(1).AddDays(4).AddHours(12), zone.GetUtcOffset(new DateTime(now.Year, now.Month, 1).AddMonths(1).AddDays(4)));
        app.Clock.SetUtcNow(nextMonth.ToUniversalTime());
        foreach (var (id, email, pattern) in courses)
        {
            using var client = await app.ClientForAsync(email, NewClient.Password);
            await client.PostJsonAsync($"/api/engagements/{id}/responses", Answers("phq-9", Patterns[pattern].Phq[2]), HttpStatusCode.Created);
            await client.PostJsonAsync($"/api/engagements/{id}/responses", Answers("gad-7", Patterns[pattern].Gad[2]), HttpStatusCode.Created);
        }

        using (var lee = await app.ClientForAsync("lee@harbor.test"))
        {
            foreach (var (id, _, _) in courses)
            {
                await lee.PostJsonAsync($"/api/engagements/{id}/end", null, HttpStatusCode.OK);
            }
        }

        // Finished courses are reported by quarter (and year) once it is over.
        var month = DateOnly.FromDateTime(nextMonth.DateTime);
        var quarter = $"{month.Year}-Q{((month.Month - 1) / 3) + 1}";
        app.Clock.Advance(TimeSpan.FromDays(95));
        using var admin = await app.ClientForAsync("admin@harbor.test");
        var report = await admin.GetJsonAsync($"/api/practice/outcomes?period={quarter}");
        Assert.Equal(quarter, report.GetProperty("period").GetProperty("key").GetString());
        var f = report.GetProperty("overall").GetProperty("finished");

        string Rate(string name) => f.GetProperty(name) is var r && r.GetProperty("numerator").ValueKind == JsonValueKind.Number
            ? $"{r.GetProperty("text").GetString()} ({r.GetProperty("numerator").GetInt32()} of {r.GetProperty("denominator").GetInt32()})"
            : r.GetProperty("text").GetString()!;
        string Count(string name) => f.GetProperty(name).GetProperty("text").GetString()!;

        Assert.Equal("25", Count("courses"));
        Assert.Equal("20% (5 of 25)", Rate("dropout"));
        Assert.Equal("25", Count("measured"));
        Assert.Equal("20", Count("casesAtStart"));
        Assert.Equal("40% (10 of 25)", Rate("reliableImprovement"));
        Assert.Equal("20% (5 of 25)", Rate("noReliableChange"));
        Assert.Equal("20% (5 of 25)", Rate("reliableDeterioration"));
        Assert.Equal("20% (5 of 25)", Rate("mixed"));
        Assert.Equal("50% (10 of 20)", Rate("recovery"));
        Assert.Equal("50% (10 of 20)", Rate("reliableRecovery"));

        var phq = f.GetProperty("phq9");
        Assert.Equal(("13.4", "9.2"), (phq.GetProperty("meanFirst").GetProperty("text").GetString(), phq.GetProperty("meanLast").GetProperty("text").GetString()));
        Assert.Equal("1.24 (95% CI 0.47 to 2.00)", phq.GetProperty("effectSize").GetProperty("text").GetString());
        Assert.Equal(("75%", 15, 20), (phq.GetProperty("response").GetProperty("text").GetString(), phq.GetProperty("response").GetProperty("numerator").GetInt32(), phq.GetProperty("response").GetProperty("denominator").GetInt32()));
        Assert.Equal(("25%", 5, 20), (phq.GetProperty("remission").GetProperty("text").GetString(), phq.GetProperty("remission").GetProperty("numerator").GetInt32(), phq.GetProperty("remission").GetProperty("denominator").GetInt32()));
        var gad = f.GetProperty("gad7");
        Assert.Equal(("8.8", "8.4"), (gad.GetProperty("meanFirst").GetProperty("text").GetString(), gad.GetProperty("meanLast").GetProperty("text").GetString()));
        Assert.Equal("0.12 (95% CI -0.63 to 0.87)", gad.GetProperty("effectSize").GetProperty("text").GetString());

        // Engagements: 25 ended that quarter. Kim is still in treatment: one course, "fewer than 5".
        var activity = report.GetProperty("overall").GetProperty("activity");
        Assert.Equal("25", activity.GetProperty("ended").GetProperty("text").GetString());
        Assert.Equal("fewer than 5", report.GetProperty("overall").GetProperty("inTreatment").GetProperty("courses").GetProperty("text").GetString());

        // The therapist sees the same figures for their caseload.
        using var leeNow = await app.ClientForAsync("lee@harbor.test");
        var own = await leeNow.GetJsonAsync($"/api/practice/outcomes?period={quarter}");
        Assert.Equal(f.GetRawText(), own.GetProperty("overall").GetProperty("finished").GetRawText());
    }
}
