using Tandem.Features.Insights;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.Insights;

/// <summary>Reporting periods are whole calendar months, quarters or years that are over.</summary>
public sealed class ReportPeriodTests
{
    private static readonly DateOnly Today = new(2026, 12, 3);

    [Theory]
    [InlineData("2026", "2026-01-01", "2026-12-31", "2026")]
    [InlineData("2026-q3", "2026-07-01", "2026-09-30", "Q3 2026 (July to September)")]
    [InlineData("2026-02", "2026-02-01", "2026-02-28", "February 2026")]
    public void Periods_parse_to_whole_calendar_months_quarters_and_years(string key, string from, string to, string label)
    {
        var p = ReportPeriod.TryParse(key)!;
        Assert.Equal((DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), label), (p.From, p.To, p.Label));
        Assert.Equal(p, ReportPeriod.TryParse(p.Key));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("26")]
    [InlineData("1999")]
    [InlineData("2026-07-01")]
    public void Anything_else_is_not_a_period(string key) => Assert.Null(ReportPeriod.TryParse(key));

    [Theory]
    [InlineData("2026-03-05", "2026-03-20", "2026-03")]
    [InlineData("2026-03-01", "2026-03-31", "2026-03")]
    [InlineData("2026-02-27", "2026-03-02", "2026-Q1")]
    [InlineData("2026-07-01", "2026-09-30", "2026-Q3")]
    [InlineData("2026-06-30", "2026-07-01", "2026")]
    public void Days_widen_to_the_shortest_month_quarter_or_year_that_holds_them(string from, string to, string key) =>
        Assert.Equal(key, ReportPeriod.Covering(D(from), D(to))!.Key);

    [Fact]
    public void Two_requests_a_day_apart_land_on_the_same_period_or_one_that_holds_the_other()
    {
        var end = new DateOnly(2026, 9, 30);
        for (var day = new DateOnly(2025, 1, 1); day < end; day = day.AddDays(1))
        {
            var a = ReportPeriod.Covering(day, end);
            var b = ReportPeriod.Covering(day.AddDays(1), end);
            if (a is null || b is null)
            {
                continue;
            }

            Assert.True(a == b || (a.From <= b.From && a.To >= b.To), $"{day}: {a} and {b}");
        }
    }

    [Fact]
    public void The_report_gives_a_sentence_for_a_snapped_period_and_refuses_one_still_running()
    {
        var (period, note) = PracticeOutcomes.ResolvePeriod(null, D("2026-03-05"), D("2026-03-20"), Today);
        Assert.Equal("2026-03", period.Key);
        Assert.Equal("You asked for 5 March 2026 to 20 March 2026. Reports cover whole calendar months, quarters or years, so this shows March 2026, the shortest one that holds those days.", note);

        Assert.Null(PracticeOutcomes.ResolvePeriod("2026-Q3", null, null, Today).Note);
        Assert.Equal("2026-Q3", PracticeOutcomes.ResolvePeriod(null, null, null, Today).Period.Key);

        var running = Assert.Throws<DomainException>(() => PracticeOutcomes.ResolvePeriod("2026-Q4", null, null, Today));
        Assert.Equal(DomainError.BadRequest, running.Kind);
        Assert.StartsWith("Q4 2026 is not over yet: its figures appear on 1 January 2027.", running.Message, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => PracticeOutcomes.ResolvePeriod("2026", null, null, Today));
        Assert.Equal("2026-09", PracticeOutcomes.ResolvePeriod("2026-09", null, null, Today).Period.Key);
        // November is over, but months are shown with their quarter.
        var november = Assert.Throws<DomainException>(() => PracticeOutcomes.ResolvePeriod("2026-11", null, null, Today));
        Assert.StartsWith("Nov 2026's figures appear when its quarter is over, on 1 January 2027", november.Message, StringComparison.Ordinal);

        var twoYears = Assert.Throws<DomainException>(() => PracticeOutcomes.ResolvePeriod(null, D("2025-11-03"), D("2026-02-10"), Today));
        Assert.Contains("falls in two years", twoYears.Message, StringComparison.Ordinal);
        Assert.Equal(DomainError.BadRequest, Assert.Throws<DomainException>(() => PracticeOutcomes.ResolvePeriod("last year", null, null, Today)).Kind);
    }

    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
}
