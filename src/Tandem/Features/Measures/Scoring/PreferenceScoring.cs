using Tandem.Features.Engagements;

namespace Tandem.Features.Measures.Scoring;

public enum PreferenceDimension
{
    Directiveness,
    EmotionalIntensity,
    PastVsPresent,
    SupportVsChallenge,
}

public sealed record DimensionResult(PreferenceDimension Dimension, double Mean, bool IsStrong, string Leaning);

public sealed record PreferenceResult(IReadOnlyList<DimensionResult> Dimensions, EngagementFormat? SuggestedFormat, string Suggestion);

/// <summary>
/// Preferences check (dimensions after the Cooper-Norcross Inventory of Preferences; items
/// and thresholds are Tandem's own). Items run -3..+3, 0 = no preference; negative leans to
/// the first pole of its dimension (therapist direction, intense feelings, the past, gentle
/// support), positive to the second. Mean per dimension; |mean| &gt;= 1.5 is a strong
/// preference. A strong wish for therapist direction suggests therapist-led, a strong wish
/// for client direction client-led. It informs; it never decides.
/// </summary>
public static class PreferenceScoring
{
    public const double StrongThreshold = 1.5;

    private static readonly Dictionary<PreferenceDimension, (string Negative, string Positive)> Poles = new()
    {
        [PreferenceDimension.Directiveness] = ("the therapist directing the work", "leading the work yourself"),
        [PreferenceDimension.EmotionalIntensity] = ("focusing on feelings and strong emotions", "staying calm and reflective"),
        [PreferenceDimension.PastVsPresent] = ("exploring the past", "focusing on now and the future"),
        [PreferenceDimension.SupportVsChallenge] = ("gentle support", "being challenged"),
    };

    public static string Title(PreferenceDimension d) => d switch
    {
        PreferenceDimension.Directiveness => "Who leads",
        PreferenceDimension.EmotionalIntensity => "Emotional intensity",
        PreferenceDimension.PastVsPresent => "Past or present",
        _ => "Support or challenge",
    };

    public static (string Negative, string Positive) PolesOf(PreferenceDimension d) => Poles[d];

    public static PreferenceResult Score(IReadOnlyList<(PreferenceDimension Dimension, int Value)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Any(a => a.Value is < -3 or > 3))
        {
            throw new ArgumentOutOfRangeException(nameof(answers), "Each item runs from -3 to +3.");
        }

        return FromMeans(answers.GroupBy(a => a.Dimension).Select(g => (g.Key, g.Average(a => (double)a.Value))).ToList());
    }

    /// <summary>The result from stored dimension means (the score observations).</summary>
    public static PreferenceResult FromMeans(IReadOnlyList<(PreferenceDimension Dimension, double Mean)> means)
    {
        ArgumentNullException.ThrowIfNull(means);
        var dimensions = means.OrderBy(m => m.Dimension).Select(m =>
        {
            var mean = Math.Round(m.Mean, 2);
            var strong = Precision.AtLeast(Math.Abs(mean), StrongThreshold);
            var (negative, positive) = Poles[m.Dimension];
            var leaning = mean == 0 ? "no preference either way"
                : $"{(strong ? "a strong preference" : "a leaning")} toward {(mean < 0 ? negative : positive)}";
            return new DimensionResult(m.Dimension, mean, strong, leaning);
        }).ToList();

        var direction = dimensions.FirstOrDefault(d => d.Dimension == PreferenceDimension.Directiveness);
        EngagementFormat? format = direction is { IsStrong: true }
            ? direction.Mean < 0 ? EngagementFormat.TherapistLed : EngagementFormat.ClientLed
            : null;
        var suggestion = format switch
        {
            EngagementFormat.TherapistLed => "A strong wish for the therapist to direct the work suggests the therapist-led format.",
            EngagementFormat.ClientLed => "A strong wish to lead the work yourself suggests the client-led format.",
            _ => "No strong preference about who leads: either format can work. Talk it through together.",
        };
        return new PreferenceResult(dimensions, format, suggestion);
    }
}
