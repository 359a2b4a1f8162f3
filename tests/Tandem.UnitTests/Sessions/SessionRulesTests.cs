using Tandem.Features.Sessions;

namespace Tandem.UnitTests.Sessions;

public sealed class SessionRulesTests
{
    [Fact]
    public void A_wall_clock_time_skipped_by_the_clock_change_is_refused_and_a_doubled_one_is_taken_the_first_time()
    {
        Assert.Throws<Tandem.Infrastructure.Errors.DomainException>(() => LocalClock.ToUtc(new DateOnly(2027, 3, 28), new TimeOnly(1, 30), "Europe/London"));
        var doubled = LocalClock.ToUtc(new DateOnly(2027, 10, 31), new TimeOnly(1, 30), "Europe/London");
        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), doubled);
        Assert.Equal(new DateTimeOffset(2027, 4, 4, 9, 0, 0, TimeSpan.Zero), LocalClock.ToUtc(new DateOnly(2027, 4, 4), new TimeOnly(10, 0), "Europe/London"));
    }

    [Fact]
    public void The_calendar_carries_the_viewers_zone_with_its_definition()
    {
        var ics = CalendarFeeds.Serialize([], "America/New_York", DateTimeOffset.UtcNow);
        Assert.Contains("BEGIN:VTIMEZONE", ics, StringComparison.Ordinal);
        Assert.Contains("TZID:America/New_York", ics, StringComparison.Ordinal);
        Assert.Contains("X-WR-CALNAME:Tandem sessions", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Word_changes_are_shown_encoded()
    {
        var html = WordDiff.ToHtml("Sam waited two weeks.", "Sam waited <b>three</b> weeks.");
        Assert.Contains("<del>two</del>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;three&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Passages_to_quote_are_the_notes_sentences_without_markdown()
    {
        var passages = NotePassages.Of("We looked at **what helps**. Next: a walk!\n\n- one thing\n- *another*");
        Assert.Equal(["We looked at what helps.", "Next: a walk!", "one thing", "another"], passages);
    }
}
