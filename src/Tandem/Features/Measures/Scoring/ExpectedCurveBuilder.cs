namespace Tandem.Features.Measures.Scoring;

/// <summary>
/// Counts of finished courses' scores by instrument, intake band and measurement number: what a
/// curve is computed from. Totals are whole numbers in a small range, so a histogram holds every
/// score exactly (percentiles from it equal those of the sorted list), and the installation's
/// tally is the sum of its practices' tallies without any list of scores leaving a practice.
/// </summary>
public sealed class CurveTally
{
    private readonly Dictionary<(string Instrument, string Band), BandTally> _bands = [];

    private sealed class BandTally(int maxTotal)
    {
        public int Courses { get; set; }

        // [session - 1][total]: how many courses scored that total at that measurement.
        public int[][] Counts { get; } = Enumerable.Range(0, ExpectedCurveBuilder.MaxSession).Select(_ => new int[maxTotal + 1]).ToArray();
    }

    /// <summary>Adds a finished course (ignored unless its instrument has bands and it has 2 or more scores in range).</summary>
    public void Add(FinishedCourse course)
    {
        ArgumentNullException.ThrowIfNull(course);
        if (StandardMeasure.For(course.InstrumentId) is not { } measure || course.Totals.Count < 2 || course.Totals.Any(t => t < 0 || t > measure.MaxTotal))
        {
            return;
        }

        var tally = Band(measure, measure.Band(course.Totals[0]).Name);
        tally.Courses++;
        for (var i = 0; i < Math.Min(course.Totals.Count, ExpectedCurveBuilder.MaxSession); i++)
        {
            tally.Counts[i][course.Totals[i]]++;
        }
    }

    /// <summary>Adds another tally's counts to this one (the installation: the sum of its practices).</summary>
    public void Merge(CurveTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var ((instrument, band), theirs) in other._bands)
        {
            var mine = Band(StandardMeasure.For(instrument)!, band);
            mine.Courses += theirs.Courses;
            for (var s = 0; s < theirs.Counts.Length; s++)
            {
                for (var t = 0; t < theirs.Counts[s].Length; t++)
                {
                    mine.Counts[s][t] += theirs.Counts[s][t];
                }
            }
        }
    }

    public IEnumerable<(string Instrument, string Band)> Keys => _bands.Keys;

    public int CoursesIn(string instrument, string band) => _bands.TryGetValue((instrument, band), out var b) ? b.Courses : 0;

    /// <summary>How many scores of this band there are at a measurement.</summary>
    public int ScoresAt(string instrument, string band, int session) =>
        _bands.TryGetValue((instrument, band), out var b) && session >= 1 && session <= b.Counts.Length ? b.Counts[session - 1].Sum() : 0;

    /// <summary>The histogram at one measurement (index = total).</summary>
    public IReadOnlyList<int> CountsAt(string instrument, string band, int session) =>
        _bands.TryGetValue((instrument, band), out var b) && session >= 1 && session <= b.Counts.Length ? b.Counts[session - 1] : [];

    private BandTally Band(StandardMeasure measure, string band)
    {
        if (!_bands.TryGetValue((measure.InstrumentId, band), out var tally))
        {
            tally = new BandTally(measure.MaxTotal);
            _bands[(measure.InstrumentId, band)] = tally;
        }

        return tally;
    }
}

/// <summary>
/// Builds expected-response curves from finished courses (docs/expected-response.md): for each
/// instrument (PHQ-9, GAD-7), intake severity band and measurement number 1 to <see cref="MaxSession"/>,
/// the 25th, 50th and 75th percentiles of the scores courses had there, by linear interpolation
/// between order statistics (Hyndman and Fan type 7, as Excel's PERCENTILE.INC and NumPy's default).
/// A band is used once <see cref="MinimumCourses"/> finished courses started in it; a measurement
/// gets a point when at least <see cref="MinimumScoresPerSession"/> of them reached it.
/// </summary>
public static class ExpectedCurveBuilder
{
    /// <summary>Finished courses a band needs before its curve replaces the fixed rule (issue 24: "say 30").</summary>
    public const int MinimumCourses = 30;

    /// <summary>Scores a measurement needs for a point of its own (later ones carry the last point forward).</summary>
    public const int MinimumScoresPerSession = 10;

    /// <summary>Measurements per course that get a point of their own.</summary>
    public const int MaxSession = 20;

    /// <summary>
    /// Installation curves: at each point, scores from practices other than the largest contributor there.
    /// Every practice reading the curve is at most that contributor, so at least this many of its scores
    /// came from people it knows nothing about (the outcome report's "never about 1 to 4 people").
    /// </summary>
    public const int MinimumScoresFromOthers = 5;

    public static IReadOnlyList<ExpectedCurve> Build(IEnumerable<FinishedCourse> courses)
    {
        ArgumentNullException.ThrowIfNull(courses);
        var tally = new CurveTally();
        foreach (var course in courses)
        {
            tally.Add(course);
        }

        return Build(tally);
    }

    /// <summary>The usable curves of a tally: bands with enough courses, points with enough scores.</summary>
    public static IReadOnlyList<ExpectedCurve> Build(CurveTally tally, Func<string, string, int, bool>? pointAllowed = null)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var curves = new List<ExpectedCurve>();
        foreach (var (instrument, band) in tally.Keys.OrderBy(k => k.Instrument, StringComparer.Ordinal).ThenBy(k => BandOrder(k.Instrument, k.Band)))
        {
            var courses = tally.CoursesIn(instrument, band);
            if (courses < MinimumCourses)
            {
                continue;
            }

            var points = new List<CurvePoint>();
            for (var session = 1; session <= MaxSession; session++)
            {
                var counts = tally.CountsAt(instrument, band, session);
                var n = counts.Sum();
                if (n < MinimumScoresPerSession || (pointAllowed is not null && !pointAllowed(instrument, band, session)))
                {
                    // Fewer courses reach each later measurement: once one is too thin, the later ones are too.
                    break;
                }

                points.Add(new CurvePoint(session, n, Percentile(counts, 0.25), Percentile(counts, 0.50), Percentile(counts, 0.75)));
            }

            if (points.Count > 0)
            {
                curves.Add(new ExpectedCurve(instrument, band, courses, points));
            }
        }

        return curves;
    }

    /// <summary>
    /// The p-th percentile (0..1) of the scores in a histogram (index = score), type 7: with the
    /// scores sorted x[0..n-1], h = (n - 1) p, the value x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
    /// </summary>
    public static double Percentile(IReadOnlyList<int> histogram, double p)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var n = histogram.Sum();
        if (n == 0)
        {
            throw new ArgumentException("No scores.", nameof(histogram));
        }

        var h = (n - 1) * p;
        var lower = (int)Math.Floor(h);
        var low = OrderStatistic(histogram, lower);
        var high = lower + 1 < n ? OrderStatistic(histogram, lower + 1) : low;
        return Math.Round(low + ((h - lower) * (high - low)), 2);
    }

    /// <summary>The k-th smallest score (0-based) in a histogram.</summary>
    private static int OrderStatistic(IReadOnlyList<int> histogram, int k)
    {
        var seen = 0;
        for (var score = 0; score < histogram.Count; score++)
        {
            seen += histogram[score];
            if (seen > k)
            {
                return score;
            }
        }

        return histogram.Count - 1;
    }

    private static int BandOrder(string instrument, string band) =>
        StandardMeasure.For(instrument) is { } m ? m.Bands.ToList().FindIndex(b => b.Name == band) : 0;
}
