using Tandem.Features.Measures.Scoring;

namespace Tandem.UnitTests.Measures;

/// <summary>
/// Expected-response curves (issue 24, docs/expected-response.md) on a cohort worked by hand:
/// 40 PHQ-9 courses that started in the moderate range, 29 that started mild (too few), and
/// a few courses that must not count.
/// </summary>
public sealed class ExpectedResponseTests
{
    /// <summary>
    /// Moderate, course k = 0..39: measurement 1 is 10 + k mod 5 (8 each of 10..14); measurement 2 is
    /// k div 4 (4 each of 0..9); the 12 courses k &lt; 12 reach measurement 3, scoring k; the 9 courses k &lt; 9
    /// reach measurement 4 (too few for a point of its own).
    /// </summary>
    private static List<FinishedCourse> Cohort()
    {
        var courses = new List<FinishedCourse>();
        for (var k = 0; k < 40; k++)
        {
            var totals = new List<int> { 10 + (k % 5), k / 4 };
            if (k < 12)
            {
                totals.Add(k);
            }

            if (k < 9)
            {
                totals.Add(k);
            }

            courses.Add(new FinishedCourse("phq-9", totals));
        }

        // Mild (5-9): 29 courses, one short of a curve.
        courses.AddRange(Enumerable.Range(0, 29).Select(_ => new FinishedCourse("phq-9", [7, 5])));
        // A single score is no course to learn from; an unknown instrument has no bands; a total out of range is refused.
        courses.Add(new FinishedCourse("phq-9", [12]));
        courses.Add(new FinishedCourse("collaboration-check", [12, 20]));
        courses.Add(new FinishedCourse("phq-9", [12, 30]));
        return courses;
    }

    [Fact]
    public void Quartiles_by_band_and_measurement_match_the_hand_worked_cohort()
    {
        var curves = ExpectedCurveBuilder.Build(Cohort());

        var moderate = Assert.Single(curves);
        Assert.Equal(("phq-9", "moderate", 40), (moderate.InstrumentId, moderate.Band, moderate.Courses));
        Assert.Equal(
            [
                // n = 40, h = 39p: P25 x[9.75] = 11, P50 x[19.5] = 12, P75 x[29.25] = 13.
                new CurvePoint(1, 40, 11, 12, 13),
                // x[i] = i div 4: P25 x[9.75] = 2, P50 between x[19] = 4 and x[20] = 5 = 4.5, P75 x[29.25] = 7.
                new CurvePoint(2, 40, 2, 4.5, 7),
                // 0..11, h = 11p: 2.75, 5.5, 8.25.
                new CurvePoint(3, 12, 2.75, 5.5, 8.25),
            ],
            moderate.Points);
    }

    [Fact]
    public void A_measurement_past_the_last_point_carries_the_last_point_forward()
    {
        var moderate = ExpectedCurveBuilder.Build(Cohort()).Single();

        Assert.Null(moderate.At(0));
        Assert.Equal(8.25, moderate.At(4)!.P75);
        Assert.Equal(8.25, moderate.At(15)!.P75);
    }

    [Fact]
    public void Percentiles_interpolate_between_order_statistics()
    {
        // Scores 1, 2, 4, 8 (histogram by score): h = 3p.
        int[] histogram = [0, 1, 1, 0, 1, 0, 0, 0, 1];

        Assert.Equal(1.75, ExpectedCurveBuilder.Percentile(histogram, 0.25));
        Assert.Equal(3, ExpectedCurveBuilder.Percentile(histogram, 0.5));
        Assert.Equal(5, ExpectedCurveBuilder.Percentile(histogram, 0.75));
        Assert.Equal(8, ExpectedCurveBuilder.Percentile(histogram, 1));
        Assert.Equal(6, ExpectedCurveBuilder.Percentile([0, 0, 0, 0, 0, 0, 1], 0.75));
    }

    [Fact]
    public void The_installation_tally_is_the_sum_of_the_practices_tallies()
    {
        var cohort = Cohort();
        var first = new CurveTally();
        var second = new CurveTally();
        for (var i = 0; i < cohort.Count; i++)
        {
            (i % 2 == 0 ? first : second).Add(cohort[i]);
        }

        var installation = new CurveTally();
        installation.Merge(first);
        installation.Merge(second);

        Assert.Equal(ExpectedCurveBuilder.Build(cohort).Single().Points, ExpectedCurveBuilder.Build(installation).Single().Points);
        Assert.Equal(29, installation.CoursesIn("phq-9", "mild"));
        Assert.Empty(ExpectedCurveBuilder.Build(first));
    }

    private static ExpectedCurves Practice() => new(ExpectedCurveBuilder.Build(Cohort()), []);

    [Theory]
    // Measurement 2: P75 is 7. Exactly at it is on track; above it is not.
    [InlineData(new[] { 12, 6 }, false)]
    [InlineData(new[] { 12, 7 }, false)]
    [InlineData(new[] { 12, 8 }, true)]
    // Measurement 3: P75 is 8.25.
    [InlineData(new[] { 12, 5, 8 }, false)]
    [InlineData(new[] { 12, 5, 9 }, true)]
    // Measurement 6: the last point (8.25) carried forward.
    [InlineData(new[] { 12, 5, 5, 5, 5, 9 }, true)]
    // The intake score is never compared with its own band, however high in it.
    [InlineData(new[] { 14 }, false)]
    public void On_track_is_at_or_below_the_75th_percentile(int[] totals, bool notOnTrack)
    {
        var decision = OnTrack.Decide(StandardMeasure.Phq9, totals, Practice());

        Assert.Equal(CurveSource.Practice, decision.Source);
        Assert.Equal(notOnTrack, decision.NotOnTrack);
        Assert.Equal(notOnTrack, decision.Rule is not null);
    }

    [Fact]
    public void The_curve_rule_fires_a_not_on_track_alert_that_says_which_curve()
    {
        var fired = AlertRules.ForSeries(StandardMeasure.Phq9, [12, 8], Practice());

        var rule = Assert.Single(fired);
        Assert.Equal(AlertKind.NotOnTrack, rule.Kind);
        Assert.Equal("Not on track: at measurement 2 the PHQ-9 is 8, above 7, the 75th percentile at that point of this practice's finished courses that started in the moderate range (expected-response curve, ours).", rule.Rule);
        // With a curve, the fixed rule no longer applies: four scores at caseness within the range are on track.
        Assert.Empty(AlertRules.ForSeries(StandardMeasure.Phq9, [14, 7, 8, 8], Practice()));
    }

    [Fact]
    public void The_practice_curve_comes_first_then_the_installation_then_the_fixed_rule()
    {
        var own = ExpectedCurveBuilder.Build(Cohort()).Single();
        // The installation's curve of the same band, with another P75 at measurement 2, to tell them apart.
        var shared = own with { Points = [own.Points[0], own.Points[1] with { P75 = 9 }] };
        var tooFew = own with { Courses = ExpectedCurveBuilder.MinimumCourses - 1 };
        int[] totals = [12, 8];

        var practiceFirst = OnTrack.Decide(StandardMeasure.Phq9, totals, new ExpectedCurves([own], [shared]));
        var installationNext = OnTrack.Decide(StandardMeasure.Phq9, totals, new ExpectedCurves([tooFew], [shared]));
        var noCurve = OnTrack.Decide(StandardMeasure.Phq9, totals, new ExpectedCurves([tooFew], [shared with { Courses = 29 }]));
        var otherBand = OnTrack.Decide(StandardMeasure.Phq9, [7, 9], new ExpectedCurves([own], [shared]));
        var otherInstrument = OnTrack.Decide(StandardMeasure.Gad7, [12, 12], new ExpectedCurves([own], [shared]));

        Assert.Equal((CurveSource.Practice, true), (practiceFirst.Source, practiceFirst.NotOnTrack));
        Assert.Equal((CurveSource.Installation, false), (installationNext.Source, installationNext.NotOnTrack));
        Assert.Equal((CurveSource.FixedRule, false), (noCurve.Source, noCurve.NotOnTrack));
        Assert.Equal(CurveSource.FixedRule, otherBand.Source);
        Assert.Equal(CurveSource.FixedRule, otherInstrument.Source);
        Assert.Contains("this Tandem installation's", OnTrack.Decide(StandardMeasure.Phq9, [12, 10], new ExpectedCurves([], [shared])).Rule, StringComparison.Ordinal);
    }

    [Theory]
    // The fixed rule at its boundaries: 4 measurements, no reliable improvement (a fall of 6), still at caseness (10).
    [InlineData(new[] { 12, 12, 12 }, false)]
    [InlineData(new[] { 12, 12, 12, 12 }, true)]
    [InlineData(new[] { 16, 12, 12, 11 }, true)]
    [InlineData(new[] { 16, 12, 12, 10 }, false)]
    [InlineData(new[] { 12, 12, 12, 9 }, false)]
    public void Without_a_curve_the_fixed_rule_decides(int[] totals, bool notOnTrack)
    {
        var decision = OnTrack.Decide(StandardMeasure.Phq9, totals, ExpectedCurves.None);

        Assert.Equal(CurveSource.FixedRule, decision.Source);
        Assert.Equal(notOnTrack, decision.NotOnTrack);
        Assert.Null(decision.Expected);
    }
}
