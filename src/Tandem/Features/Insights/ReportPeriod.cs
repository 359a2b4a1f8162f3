using System.Globalization;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Insights;

public enum PeriodKind
{
    Month,
    Quarter,
    Year,
}

/// <summary>
/// A reporting period: one calendar month, quarter or year, nothing else (docs/outcome-disclosure.md).
/// Periods form a tree (a year holds four quarters, a quarter three months), so every figure
/// that adds up over time has a fixed set of relations for disclosure control to protect, and two
/// requests a day apart land on the same period or on one that holds the other.
/// </summary>
public sealed record ReportPeriod(PeriodKind Kind, int Year, int Number)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ReportPeriod MonthOf(int year, int month) => new(PeriodKind.Month, year, month);

    public static ReportPeriod QuarterOf(int year, int quarter) => new(PeriodKind.Quarter, year, quarter);

    public static ReportPeriod YearOf(int year) => new(PeriodKind.Year, year, 1);

    public DateOnly From => Kind switch
    {
        PeriodKind.Month => new DateOnly(Year, Number, 1),
        PeriodKind.Quarter => new DateOnly(Year, ((Number - 1) * 3) + 1, 1),
        _ => new DateOnly(Year, 1, 1),
    };

    /// <summary>The last day, included.</summary>
    public DateOnly To => Kind switch
    {
        PeriodKind.Month => From.AddMonths(1).AddDays(-1),
        PeriodKind.Quarter => From.AddMonths(3).AddDays(-1),
        _ => new DateOnly(Year, 12, 31),
    };

    /// <summary>"2026-03", "2026-Q1" or "2026": what the API takes as ?period= and the audit records.</summary>
    public string Key => Kind switch
    {
        PeriodKind.Month => string.Create(Inv, $"{Year}-{Number:00}"),
        PeriodKind.Quarter => string.Create(Inv, $"{Year}-Q{Number}"),
        _ => Year.ToString(Inv),
    };

    /// <summary>"March 2026", "Q1 2026 (January to March)", "2026".</summary>
    public string Label => Kind switch
    {
        PeriodKind.Month => From.ToString("MMMM yyyy", Inv),
        PeriodKind.Quarter => string.Create(Inv, $"Q{Number} {Year} ({From.ToString("MMMM", Inv)} to {To.ToString("MMMM", Inv)})"),
        _ => Year.ToString(Inv),
    };

    public string ShortLabel => Kind switch
    {
        PeriodKind.Month => From.ToString("MMM yyyy", Inv),
        PeriodKind.Quarter => string.Create(Inv, $"Q{Number} {Year}"),
        _ => Year.ToString(Inv),
    };

    public override string ToString() => Key;

    /// <summary>The months of this period, in order.</summary>
    public IEnumerable<ReportPeriod> Months()
    {
        for (var m = From; m <= To; m = m.AddMonths(1))
        {
            yield return MonthOf(m.Year, m.Month);
        }
    }

    public ReportPeriod QuarterOfMonth() => QuarterOf(Year, ((From.Month - 1) / 3) + 1);

    /// <summary>
    /// Whether the period can be reported on <paramref name="today"/>: it is over (a period still
    /// running changes day by day), and for a month, so is its quarter (months are published with
    /// their quarter, see <see cref="OutcomeTables.Blocks"/>).
    /// </summary>
    public bool IsOver(DateOnly today) => (Kind == PeriodKind.Month ? QuarterOfMonth().To : To) < today;

    /// <summary>The first day its figures can be shown.</summary>
    public DateOnly ShownFrom => (Kind == PeriodKind.Month ? QuarterOfMonth().To : To).AddDays(1);

    public bool Contains(DateOnly day) => day >= From && day <= To;

    /// <summary>Parses "2026", "2026-Q3" or "2026-03"; null when it is none of these.</summary>
    public static ReportPeriod? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim().ToUpperInvariant();
        if (t.Length == 4 && int.TryParse(t, NumberStyles.None, Inv, out var y) && InRange(y))
        {
            return YearOf(y);
        }

        if (t.Length == 7 && t[4] == '-' && int.TryParse(t[..4], NumberStyles.None, Inv, out y) && InRange(y))
        {
            if (t[5] == 'Q' && t[6] is >= '1' and <= '4')
            {
                return QuarterOf(y, t[6] - '0');
            }

            if (int.TryParse(t[5..], NumberStyles.None, Inv, out var m) && m is >= 1 and <= 12)
            {
                return MonthOf(y, m);
            }
        }

        return null;
    }

    private static bool InRange(int year) => year is >= 2000 and <= 2200;

    /// <summary>
    /// The smallest calendar month, quarter or year that holds every day from <paramref name="from"/>
    /// to <paramref name="to"/>; null when they fall in different years (no period holds them).
    /// </summary>
    public static ReportPeriod? Covering(DateOnly from, DateOnly to)
    {
        if (from > to)
        {
            throw new DomainException("The start of the period is after its end.", DomainError.BadRequest,
                new Dictionary<string, string[]> { ["from"] = ["The start of the period is after its end."] });
        }

        if (from.Year != to.Year)
        {
            return null;
        }

        if (from.Month == to.Month)
        {
            return MonthOf(from.Year, from.Month);
        }

        var q = MonthOf(from.Year, from.Month).QuarterOfMonth();
        return q.Contains(to) ? q : YearOf(from.Year);
    }

    /// <summary>The last quarter that is over on <paramref name="today"/>: the report's default.</summary>
    public static ReportPeriod LastQuarterBefore(DateOnly today)
    {
        var current = MonthOf(today.Year, today.Month).QuarterOfMonth();
        var previous = current.From.AddMonths(-3);
        return MonthOf(previous.Year, previous.Month).QuarterOfMonth();
    }
}
