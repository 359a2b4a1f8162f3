using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Audit;
using Tandem.Features.Measures.Expected;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

/// <summary>Issue 24: curves refreshed in the background from finished courses, stored as aggregates, and used by the on-track rule.</summary>
public sealed class ExpectedCurveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_refresh_stores_aggregate_curves_and_a_score_above_the_75th_percentile_opens_a_review()
    {
        await using var app = await TandemApp.StartAsync(formerClients: true);
        var (id, robin) = await NewClient.JoinAsync(app);
        using var _ = robin;
        using var alex = await app.ClientForAsync("alex@riverside.test");

        // Before any refresh: no curve, and the page says the fixed rule applies.
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", Phq9Totalling(12), HttpStatusCode.Created);
        var before = await alex.GetJsonAsync($"/api/engagements/{id}/progress");
        Assert.Equal("FixedRule", before.GetProperty("people")[0].GetProperty("measures")[0].GetProperty("expected").Str("source"));

        var result = await app.Services.GetRequiredService<ExpectedCurveRefresh>().RefreshAsync(Ct);

        Assert.True(result.PracticeCurves > 0, $"The demo's former clients give Riverside at least one curve ({result}).");
        // Harbor has no finished courses: an installation curve would be Riverside's alone, which another practice may not read.
        Assert.Equal(0, result.InstallationCurves);
        var moderate = (Band: "", P75: 0.0);
        await app.WithDbAsync(async db =>
        {
            // The installation's rows have no practice column at all; the practice's are its own, each point from 10 or more scores.
            Assert.Null(db.Model.FindEntityType(typeof(InstallationCurvePoint))!.FindProperty("PracticeId"));
            var points = await db.Set<PracticeCurvePoint>().ToListAsync(Ct);
            Assert.All(points, p => Assert.True(p.Scores >= 10 && p.Courses >= 30 && p.P25 <= p.P50 && p.P50 <= p.P75));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "ExpectedCurves" && e.Action == AuditAction.Execute, Ct));
            // Robin's first PHQ-9 is 12 (moderate): the practice's moderate curve at measurement 2 (the demo's former clients have 60 such courses).
            var riverside = await db.Practices.Where(p => p.Name.Contains("Riverside")).Select(p => p.Id).SingleAsync(Ct);
            var at2 = points.FirstOrDefault(p => p.PracticeId == riverside && p.InstrumentId == "phq-9" && p.Band == "moderate" && p.Session == 2);
            moderate = at2 is null ? moderate : (at2.Band, at2.P75);
        });
        Assert.True(moderate.Band == "moderate", "The demo has a PHQ-9 curve for courses that started moderate.");

        var progress = await alex.GetJsonAsync($"/api/engagements/{id}/progress");
        var expected = progress.GetProperty("people")[0].GetProperty("measures")[0].GetProperty("expected");
        Assert.Equal(("Practice", "moderate"), (expected.Str("source"), expected.Str("intakeBand")));

        // A second score above that 75th percentile: not on track by the curve, which opens a review.
        var above = (int)Math.Floor(moderate.P75) + 1;
        await robin.PostJsonAsync($"/api/engagements/{id}/responses", Phq9Totalling(above), HttpStatusCode.Created);
        var alert = (await alex.GetJsonAsync("/api/alerts")).EnumerateArray().Single(a => a.GetProperty("engagementId").GetGuid() == id && a.Str("kind") == "NotOnTrack");
        Assert.Contains("expected-response curve", alert.Str("rule"), StringComparison.Ordinal);
        Assert.Equal("NotOnTrack", Assert.Single((await robin.GetJsonAsync($"/api/engagements/{id}/reviews")).EnumerateArray()).Str("trigger"));

        // The progress page draws the band behind the line and says where it comes from.
        var page = await (await alex.GetAsync($"/engagements/{id}/progress", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("class=\"expected-band\"", page, StringComparison.Ordinal);
        Assert.Contains("this practice&#x27;s", page, StringComparison.Ordinal);
    }

    /// <summary>A PHQ-9 with the given total (item 9 at 0).</summary>
    private static object Phq9Totalling(int total) => new
    {
        instrumentId = "phq-9",
        answers = MeasureRequests.Phq9Items.Select((l, i) => new { linkId = l, value = (object)(l == "44260-8" ? 0 : Math.Clamp(total - (3 * i), 0, 3)) }).ToArray(),
    };
}
