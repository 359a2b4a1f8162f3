namespace Tandem.Features.Measures.Scoring;

/// <summary>
/// Threshold comparisons at the precision a figure is shown and defined at, never on raw
/// floating point: 1.9600000000000002 is 1.96, and 1.96 is not "above 1.96". Values are rounded
/// half away from zero (as people round) in decimal arithmetic before they are compared.
/// </summary>
public static class Precision
{
    /// <summary>Two decimals: the precision of the published criteria (1.96, 1.5) and of derived cut-offs.</summary>
    public const int Criteria = 2;

    public static decimal Round(double value, int decimals = Criteria) =>
        Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero);

    public static bool Above(double value, double threshold, int decimals = Criteria) => Round(value, decimals) > Round(threshold, decimals);

    public static bool AtLeast(double value, double threshold, int decimals = Criteria) => Round(value, decimals) >= Round(threshold, decimals);

    public static bool Below(double value, double threshold, int decimals = Criteria) => Round(value, decimals) < Round(threshold, decimals);
}
