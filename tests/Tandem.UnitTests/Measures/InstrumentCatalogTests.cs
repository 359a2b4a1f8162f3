using System.Text.Json;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.Measures;

public sealed class InstrumentCatalogTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.FromApp();

    [Fact]
    public void PHQ_9_carries_its_LOINC_codes_answer_codes_and_attribution()
    {
        var phq = Catalog.Get("phq-9");
        Assert.Equal("44249-1", phq.Questionnaire.Code.Single().Code);
        Assert.Equal(["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8", "69722-7"], phq.Items.Select(i => i.LinkId).ToArray());
        Assert.Equal(["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"], phq.Items[0].Options.Select(o => o.Code).ToArray());
        Assert.Equal([0, 1, 2, 3], phq.Items[0].Options.Select(o => o.Score).ToArray());
        Assert.Equal("Over the last 2 weeks, how often have you been bothered by any of the following problems?", phq.Stem);
        Assert.StartsWith("Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues", phq.Copyright, StringComparison.Ordinal);
        var difficulty = phq.Items.Single(i => i.LinkId == "69722-7");
        Assert.False(difficulty.Scored);
        // Answered 0-3 in option order like every other item, with the LOINC answer codes (LL358-3).
        Assert.Equal([0, 1, 2, 3], difficulty.Options.Select(o => o.Score).ToArray());
        Assert.Equal(["LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3"], difficulty.Options.Select(o => o.Code).ToArray());
        Assert.Equal(["Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"], difficulty.Options.Select(o => o.Display).ToArray());
        Assert.False(phq.IsTandemsOwn);
    }

    [Fact]
    public void GAD_7_carries_its_LOINC_codes()
    {
        var gad = Catalog.Get("gad-7");
        Assert.Equal("69737-5", gad.Questionnaire.Code.Single().Code);
        Assert.Equal(["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"], gad.Items.Select(i => i.LinkId).ToArray());
    }

    [Fact]
    public void Tandems_own_instruments_say_so_and_the_therapist_form_is_for_therapists()
    {
        Assert.True(Catalog.Get("collaboration-check").IsTandemsOwn);
        Assert.Contains("not a validated instrument", Catalog.Get("preferences").Description, StringComparison.Ordinal);
        Assert.Equal(ParticipantRole.Therapist, Catalog.Get("collaboration-check-therapist").Respondent);
        Assert.Equal(8, Catalog.Get("collaboration-check").Items.Count);
        var prefs = Catalog.Get("preferences");
        Assert.Equal(4, prefs.Items.Count(i => i.Dimension == PreferenceDimension.Directiveness));
        Assert.Equal([-3, -2, -1, 0, 1, 2, 3], prefs.Items[0].Options.Select(o => o.Score).ToArray());
        Assert.Equal("The therapist leads the sessions", prefs.Items[0].LeftPole);
    }

    [Fact]
    public void A_full_PHQ_9_with_item_9_above_0_is_scored_flagged_and_alerted()
    {
        var phq = Catalog.Get("phq-9");
        var answers = AnswerValidation.Validate(phq, phq.Items.Where(i => i.Scored).Select(i => RawAnswer.Of(i.LinkId, i.LinkId == "44260-8" ? 1 : 2)).ToList());
        var scored = ResponseScorer.Score(phq, answers, [], []);
        Assert.Equal(17, scored.Total);
        Assert.Equal("moderately severe", scored.Band);
        Assert.Contains("risk", scored.Flags);
        Assert.Equal(AlertKind.Risk, scored.Alerts.Single().Kind);
        Assert.Equal("44261-6", scored.Observations.Single().Code);
        var json = FhirResponses.Build(Guid.NewGuid(), phq, answers, Guid.NewGuid(), ParticipantRole.Client, DateTimeOffset.UtcNow);
        Assert.Contains("LA6569-3", json, StringComparison.Ordinal);
        Assert.Equal(1, FhirResponses.Read(phq, json).Single(a => a.LinkId == "44260-8").Score);
    }

    [Fact]
    public void Validation_names_missing_out_of_range_and_unknown_items()
    {
        var phq = Catalog.Get("phq-9");
        var answers = phq.Items.Where(i => i.Scored).Skip(1).Select(i => RawAnswer.Of(i.LinkId, 1)).ToList();
        answers[0] = RawAnswer.Of(answers[0].LinkId!, 4);
        answers.Add(RawAnswer.Of("nope", 1));
        var error = Assert.Throws<DomainException>(() => AnswerValidation.Validate(phq, answers));
        Assert.Equal(422, error.StatusCode);
        Assert.Contains("44250-9", error.Errors!.Keys);
        Assert.Contains("44255-8", error.Errors.Keys);
        Assert.Contains("nope", error.Errors.Keys);
        Assert.Throws<DomainException>(() => AnswerValidation.Validate(phq, [new RawAnswer("44250-9", JsonSerializer.SerializeToElement("often"))]));
    }
}
