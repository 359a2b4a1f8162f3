using Tandem.Features.Engagements;
using Tandem.Features.Insights;
using Tandem.Features.Insights.Disclosure;

namespace Tandem.UnitTests.Insights;

/// <summary>The CSV is k-anonymous (k = 5) on every column that describes a person or an engagement.</summary>
public sealed class KAnonymityTests
{
    private sealed record Row(string Format, string Therapist, string Quarter, string Status);

    private static readonly IReadOnlyList<QuasiIdentifier<Row>> Columns =
    [
        new("format", 4, [r => r.Format, _ => "any"]),
        new("therapist", 4, [r => r.Therapist, _ => "any"]),
        new("started", 1, [r => r.Quarter, r => r.Quarter[..4] + (r.Quarter[^1] <= '2' ? "-H1" : "-H2"), r => r.Quarter[..4], _ => "any"]),
        new("status", 3, [r => r.Status, r => r.Status == "ended" ? "ended" : "in treatment", _ => "any"]),
    ];

    private static string Key(Row r, IReadOnlyList<int> levels) => string.Join("|", Columns.Select((c, i) => c.Levels[levels[i]](r)));

    /// <summary>Like the file the review joined with the people list: 6 of the rows were unique on format, therapist, quarter and status.</summary>
    private static List<Row> Practice()
    {
        var rows = new List<Row>();
        void Add(int n, string f, string t, string q, string s) => rows.AddRange(Enumerable.Repeat(new Row(f, t, q, s), n));
        Add(6, "client-led", "T1", "2026-Q1", "ended");
        Add(5, "client-led", "T2", "2026-Q1", "ended");
        Add(4, "therapist-led", "T1", "2026-Q2", "ended");
        Add(3, "therapist-led", "T2", "2026-Q2", "active");
        Add(1, "client-led", "T2", "2026-Q3", "active");
        Add(1, "client-led", "T1", "2026-Q3", "paused");
        Add(2, "therapist-led", "T1", "2026-Q3", "ended");
        Add(7, "client-led", "T1", "2026-Q2", "active");
        return rows;
    }

    [Fact]
    public void Every_combination_in_the_file_is_shared_by_at_least_5_rows()
    {
        var rows = Practice();
        Assert.Contains(rows.GroupBy(r => Key(r, [0, 0, 0, 0])), g => g.Count() == 1);

        var plan = KAnonymity.Solve(rows, Columns, r => [$"all/{r.Status == "ended"}", $"{r.Format}/{r.Status == "ended"}", $"{r.Therapist}/{r.Status == "ended"}"])!;
        var kept = rows.Where((_, i) => !plan.Withheld.Contains(i)).ToList();

        Assert.True(KAnonymity.SmallestClass(kept, r => Key(r, plan.Levels)) >= KAnonymity.K, string.Join(", ", plan.Levels));
        Assert.True(plan.Withheld.Count is 0 or >= KAnonymity.K);
        Assert.True(kept.Count >= KAnonymity.K);
    }

    [Fact]
    public void Rows_left_out_are_none_or_at_least_5_in_every_report_group()
    {
        var rows = Practice();
        var plan = KAnonymity.Solve(rows, Columns, r => [r.Format, r.Therapist], withheldCost: 0)!;
        foreach (var group in rows.Select((r, i) => (r, i)).Where(x => plan.Withheld.Contains(x.i)).SelectMany(x => new[] { x.r.Format, x.r.Therapist }).GroupBy(g => g))
        {
            Assert.True(group.Count() >= KAnonymity.K, $"{group.Key}: {group.Count()} rows left out");
        }
    }

    [Fact]
    public void Fewer_than_5_rows_make_no_file()
    {
        Assert.Null(KAnonymity.Solve(Practice().Take(4).ToList(), Columns, _ => []));
    }

    [Fact]
    public void The_outcome_csv_columns_generalise_down_to_any()
    {
        var course = new Course(Guid.NewGuid(), Guid.NewGuid(), EngagementFormat.ClientLed, "t1", new DateOnly(2026, 8, 14), null, EngagementStatus.Active, 7,
            new MeasureSeries(5, 14, 9), null);
        var row = new OutcomeCsv.Row(course, "T1", "active", 7, []);
        Assert.Equal(
            ["client-led|T1|2026-Q3|active|6-9|4-6|0", "any|any|2026-H2|in treatment|3-9|2+|0-1", "any|any|2026|any|any|any|any", "any|any|any|any|any|any|any"],
            Enumerable.Range(0, 4).Select(level => string.Join("|", OutcomeCsv.Columns.Select(c => c.Levels[Math.Min(level, c.Levels.Count - 1)](row)))).ToArray());
    }
}
