using Tandem.Features.Engagements;
using Tandem.Features.Insights;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.Measures;

/// <summary>
/// Issue 24, CollaboRATE: the published wording and scale (PhenX protocol 662301; Barr et al. 2017,
/// BMJ Open 7:e014681) and the developers' scoring ("Scoring collaboRATE", glynelwyn.com).
/// </summary>
public sealed class CollaborateTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.FromApp();

    [Fact]
    public void The_patient_version_has_the_three_published_items_each_0_to_9_with_the_published_anchors()
    {
        var collaborate = Catalog.Get(InstrumentCatalog.Collaborate);
        Assert.False(collaborate.IsTandemsOwn);
        Assert.Equal(ParticipantRole.Client, collaborate.Respondent);
        Assert.Equal("http://tandem.invalid/fhir/Questionnaire/collaborate", collaborate.Questionnaire.Url);
        Assert.Equal(
            [
                "How much effort was made to help you understand your health issues?",
                "How much effort was made to listen to the things that matter most to you about your health issues?",
                "How much effort was made to include what matters most to you in choosing what to do next?",
            ],
            collaborate.Items.Select(i => i.Text).ToArray());
        foreach (var item in collaborate.Items)
        {
            Assert.True(item.Required);
            Assert.True(item.Scored);
            Assert.Null(item.LoincCode);
            Assert.Equal(Enumerable.Range(0, 10), item.Options.Select(o => o.Score));
            Assert.Equal("0 - No effort was made", item.Options[0].Display);
            Assert.Equal("9 - Every effort was made", item.Options[9].Display);
        }

        Assert.Contains("Creative Commons Attribution-NonCommercial-NoDerivs 3.0", collaborate.Copyright, StringComparison.Ordinal);
        Assert.Contains("Elwyn", collaborate.Copyright, StringComparison.Ordinal);
        Assert.Equal("Shared decisions (CollaboRATE)", collaborate.PlainTitle);
    }

    [Theory]
    [InlineData(9, 9, 9, true)]
    [InlineData(9, 9, 8, false)]
    [InlineData(8, 9, 9, false)]
    [InlineData(9, 0, 9, false)]
    [InlineData(0, 0, 0, false)]
    public void A_top_score_is_9_on_all_three_items_and_nothing_less(int a, int b, int c, bool top)
    {
        var result = CollaborateScoring.Score([a, b, c]);
        Assert.Equal(top, result.IsTopScore);
        Assert.Equal(top, CollaborateScoring.IsTopScore(result.Total));
        Assert.Equal((a + b + c) / 3.0, result.Mean, 6);
    }

    [Fact]
    public void A_set_with_an_item_missing_or_out_of_range_is_not_scored()
    {
        Assert.Throws<ArgumentException>(() => CollaborateScoring.Score([9, 9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CollaborateScoring.Score([9, 9, 10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CollaborateScoring.Score([-1, 9, 9]));
        var collaborate = Catalog.Get(InstrumentCatalog.Collaborate);
        var missing = Assert.Throws<DomainException>(() => AnswerValidation.Validate(collaborate, [RawAnswer.Of("1", 9), RawAnswer.Of("2", 9)]));
        Assert.Contains("3", missing.Errors!.Keys);
        var tooHigh = Assert.Throws<DomainException>(() => AnswerValidation.Validate(collaborate, [RawAnswer.Of("1", 9), RawAnswer.Of("2", 9), RawAnswer.Of("3", 10)]));
        Assert.Contains("3", tooHigh.Errors!.Keys);
    }

    [Fact]
    public void The_summary_is_the_share_of_top_scores_and_the_mean_of_the_answer_sets_means()
    {
        Assert.Equal(new CollaborateSummary(0, 0, null, null), CollaborateScoring.Summarise([]));
        // 27 (top), 26 (8.67), 18 (6.0): 1 of 3 top scores = 33%; mean of means = 71/9 = 7.89 -> 7.9.
        var summary = CollaborateScoring.Summarise([27, 26, 18]);
        Assert.Equal(3, summary.Count);
        Assert.Equal(1, summary.TopScores);
        Assert.Equal(33, summary.TopScorePercent);
        Assert.Equal(7.9, summary.Mean);
        Assert.True(summary.BelowGroupMinimum);
        // Halves round up: 1 of 8 = 12.5% -> 13%; a mean of exactly 8.25 -> 8.3.
        Assert.Equal(13, CollaborateScoring.Summarise([27, 0, 0, 0, 0, 0, 0, 0]).TopScorePercent);
        Assert.Equal(8.3, CollaborateScoring.Summarise([27, 27, 27, 18]).Mean); // (9 + 9 + 9 + 6) / 4 = 8.25
        Assert.False(CollaborateScoring.Summarise(Enumerable.Repeat(27, 25).ToList()).BelowGroupMinimum);
        Assert.True(CollaborateScoring.Summarise(Enumerable.Repeat(27, 24).ToList()).BelowGroupMinimum);
    }

    [Fact]
    public void A_response_is_stored_with_its_total_a_top_score_flag_and_two_observations_and_no_alert()
    {
        var collaborate = Catalog.Get(InstrumentCatalog.Collaborate);
        var top = ResponseScorer.Score(collaborate, AnswerValidation.Validate(collaborate, [RawAnswer.Of("1", 9), RawAnswer.Of("2", 9), RawAnswer.Of("3", 9)]), [], []);
        Assert.Equal(27, top.Total);
        Assert.Contains("top-score", top.Flags);
        Assert.Empty(top.Alerts);
        Assert.Equal(1m, top.Observations.Single(o => o.Code == "collaborate-top-score").Value);
        Assert.Equal(9m, top.Observations.Single(o => o.Code == "collaborate-mean").Value);

        var low = ResponseScorer.Score(collaborate, AnswerValidation.Validate(collaborate, [RawAnswer.Of("1", 0), RawAnswer.Of("2", 1), RawAnswer.Of("3", 9)]), [], []);
        Assert.Equal(10, low.Total);
        Assert.DoesNotContain("top-score", low.Flags);
        Assert.Empty(low.Alerts);
        Assert.Equal(0m, low.Observations.Single(o => o.Code == "collaborate-top-score").Value);
        Assert.Equal(3.33m, low.Observations.Single(o => o.Code == "collaborate-mean").Value);
    }

    [Fact]
    public void The_practice_figures_need_5_people_and_25_answers_and_never_show_a_count()
    {
        static List<(Guid, int)> Answers(int people, int each, int total)
        {
            var ids = Enumerable.Range(0, people).Select(_ => Guid.NewGuid()).ToList();
            return ids.SelectMany(id => Enumerable.Repeat((id, total), each)).ToList();
        }

        Assert.Equal("no data yet", OutcomeStatistics.SharedDecisions([]).TopScoresText);
        var four = OutcomeStatistics.SharedDecisions(Answers(4, 10, 27));
        Assert.True(four.Hidden);
        Assert.Equal("fewer than 5", four.TopScoresText);
        Assert.Null(four.TopScorePercent);
        Assert.Null(four.Mean);
        var thin = OutcomeStatistics.SharedDecisions([.. Answers(5, 4, 27), .. Answers(1, 4, 27)]); // 6 people, 24 answers
        Assert.True(thin.Hidden);
        Assert.Equal("fewer than 25 answers", thin.MeanText);
        var shown = OutcomeStatistics.SharedDecisions([.. Answers(5, 4, 27), .. Answers(1, 5, 18)]); // 20 of 25 top scores
        Assert.False(shown.Hidden);
        Assert.Equal(80, shown.TopScorePercent);
        Assert.Equal("80%", shown.TopScoresText);
        Assert.Equal("8.4", shown.MeanText); // (20 x 9 + 5 x 6) / 25 = 8.4
    }

    [Fact]
    public void An_offer_is_open_until_it_closes_or_is_answered()
    {
        var now = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var engagement = Engagement.Start(Guid.NewGuid(), "Test", EngagementFormat.TherapistLed, Guid.NewGuid(), now);
        var offer = MeasureOffer.Create(engagement, Guid.NewGuid(), InstrumentCatalog.Collaborate, MeasureOffer.PlanChangeAgreed, null, now, OfferCollaborate.OpenFor);
        Assert.True(offer.IsOpen(now.AddHours(47), null));
        Assert.True(offer.IsOpen(now.AddHours(1), now.AddDays(-3)));
        Assert.False(offer.IsOpen(now.AddHours(48), null));
        Assert.False(offer.IsOpen(now.AddHours(2), now.AddHours(1)));
    }
}
