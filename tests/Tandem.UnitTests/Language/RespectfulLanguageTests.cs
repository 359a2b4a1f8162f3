using Tandem.Features.Language;

namespace Tandem.UnitTests.Language;

public sealed class RespectfulLanguageTests
{
    private static readonly LanguageList Shipped = LanguageList.Load(Path.Combine(AppContext.BaseDirectory, "Resources", "respectful-language.json"));
    private static readonly RespectfulLanguage Checker = new(Shipped);

    public static TheoryData<string> Terms() => new(Shipped.Terms.Select(t => t.Term));

    [Theory]
    [MemberData(nameof(Terms))]
    public void Every_list_entry_and_each_of_its_forms_is_found_with_its_suggestion_and_source(string term)
    {
        var entry = Shipped.Terms.Single(t => t.Term == term);
        Assert.False(string.IsNullOrWhiteSpace(entry.Suggestion));
        Assert.False(string.IsNullOrWhiteSpace(entry.Source));
        Assert.DoesNotContain(entry.Source, Shipped.Sources.Keys);
        foreach (var form in entry.AllForms())
        {
            foreach (var text in new[] { $"The note says {form} here.", $"{form.ToUpperInvariant()}, at the start.", $"Ends with {form}" })
            {
                var hit = Assert.Single(Checker.Check(text));
                Assert.Equal(entry.Term, hit.Term);
                Assert.Equal(text.IndexOf(form, StringComparison.OrdinalIgnoreCase), hit.Start);
                Assert.Equal(form.Length, hit.Length);
                Assert.Equal(entry.Suggestion, hit.Suggestion);
                Assert.Equal(entry.Source, hit.Source);
                Assert.Equal(entry.Category, hit.Category);
            }
        }
    }

    [Theory]
    [InlineData("refuse")]
    [InlineData("refused")]
    [InlineData("refuses")]
    [InlineData("refusing")]
    [InlineData("Refused")]
    [InlineData("REFUSES")]
    public void Refuse_is_found_in_every_inflection_and_case(string word)
    {
        var hit = Assert.Single(Checker.Check($"The client {word} the homework."));
        Assert.Equal("refuse", hit.Term);
        Assert.Equal(word, hit.Match);
        Assert.Contains("declines", hit.Suggestion, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sun et al. 2022", hit.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("denies", "deny")]
    [InlineData("denied", "deny")]
    [InlineData("denying", "deny")]
    [InlineData("claims", "claim")]
    [InlineData("claimed", "claim")]
    [InlineData("insisting", "insist")]
    [InlineData("exaggerated", "exaggerate")]
    [InlineData("resists", "resist")]
    [InlineData("addicts", "addict")]
    [InlineData("poor historians", "poor historian")]
    [InlineData("frequent flyers", "frequent flyer")]
    [InlineData("noncompliant", "non-compliant")]
    [InlineData("non compliant", "non-compliant")]
    [InlineData("Non-Compliant", "non-compliant")]
    [InlineData("uncooperative", "non-cooperative")]
    [InlineData("attention seeking", "attention-seeking")]
    [InlineData("committed  suicide", "committed suicide")]
    public void Inflections_and_spellings_map_to_their_entry(string text, string term)
    {
        var hit = Assert.Single(Checker.Check($"Note: {text}."));
        Assert.Equal(term, hit.Term);
    }

    [Theory]
    [InlineData("She reclaims her weekends.")]
    [InlineData("The cake was irresistible.")]
    [InlineData("He proclaimed it loudly.")]
    [InlineData("Their disclaimer was clear.")]
    [InlineData("We kept the kitchen clean and tidy.")]
    [InlineData("She is an advocate for survivors of abuse.")]
    [InlineData("The denial of the grant hurt.")]
    [InlineData("Pleasantly surprised by the weather.")]
    public void Nothing_is_found_inside_other_words_or_outside_the_listed_phrases(string text) =>
        Assert.Empty(Checker.Check(text));

    [Fact]
    public void The_acceptance_sentence_gets_two_hints_with_suggestions()
    {
        const string text = "the client refused and is non-compliant";
        var hits = Checker.Check(text);

        Assert.Equal(2, hits.Count);
        Assert.Equal(("refused", 11), (hits[0].Match, hits[0].Start));
        Assert.Equal(("non-compliant", 26), (hits[1].Match, hits[1].Start));
        Assert.Equal("non-compliant", text.Substring(hits[1].Start, hits[1].Length));
        Assert.Contains("Not taking as prescribed", hits[1].Suggestion, StringComparison.Ordinal);
        Assert.All(hits, h => Assert.False(string.IsNullOrWhiteSpace(h.Source)));
    }

    [Fact]
    public void A_practice_extends_the_list_and_can_override_a_shipped_entry()
    {
        var extra = LanguageList.Parse("""
            { "sources": { "ours": "Riverside practice style guide" },
              "terms": [
                { "term": "kick off", "kind": "verb", "category": "Practice", "suggestion": "\"Start\".", "source": "ours" },
                { "term": "refuse", "kind": "verb", "category": "Blame", "suggestion": "\"Prefers not to\".", "source": "ours" } ] }
            """);
        var checker = new RespectfulLanguage(Shipped.With(extra));

        var hits = checker.Check("We kicked off? No: we kick offs. She refused.");
        Assert.Contains(hits, h => h.Term == "refuse" && h.Suggestion == "\"Prefers not to\"." && h.Source == "Riverside practice style guide");
        Assert.Single(checker.Check("Let us kick off."));
        Assert.Equal(Shipped.Terms.Count + 1, checker.List.Terms.Count);
    }

    [Fact]
    public void Every_entry_of_DOMAIN_md_section_5_is_on_the_list()
    {
        var terms = Shipped.Terms.SelectMany(t => t.AllForms()).ToHashSet();
        foreach (var required in new[]
        {
            "adherent", "non-adherent", "aggressive", "agitated", "angry", "challenging", "combative", "compliant", "non-compliant",
            "confront", "cooperative", "non-cooperative", "defensive", "exaggerate", "hysterical", "pleasant", "unpleasant", "refuse", "resist",
            "claims", "insists", "denies", "poor historian", "refuses", "manipulative", "attention-seeking", "frequent flyer",
            "addict", "abuser", "alcoholic", "substance abuse", "clean urine", "dirty urine", "committed suicide", "successful attempt",
            "failed attempt", "completed attempt",
        })
        {
            Assert.Contains(required, terms);
        }
    }

    [Fact]
    public void Long_texts_are_checked_quickly_and_never_throw()
    {
        var text = string.Concat(Enumerable.Repeat("The client reclaims, refuses, resists and is irresistible. ", 800));
        var hits = Checker.Check(text);
        Assert.Equal(1600, hits.Count);
        Assert.Empty(Checker.Check(""));
        Assert.Empty(Checker.Check(null));
    }
}
