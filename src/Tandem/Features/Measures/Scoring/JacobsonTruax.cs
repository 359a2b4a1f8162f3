namespace Tandem.Features.Measures.Scoring;

/// <summary>
/// Norms of an instrument for the Jacobson and Truax (1991) method: the dysfunctional
/// (clinical) and functional (general) population means and SDs, and the test-retest
/// reliability. <see cref="LowerIsBetter"/> says which way improvement goes.
/// </summary>
public sealed record InstrumentNorms(double MeanDysfunctional, double SdDysfunctional, double MeanFunctional, double SdFunctional, double Reliability, bool LowerIsBetter = true);

public enum ClinicalOutcome
{
    Recovered,
    Improved,
    Unchanged,
    Deteriorated,
}

public sealed record JacobsonTruaxResult(
    double StandardError,
    double SDiff,
    double ReliableChangeIndex,
    bool IsReliable,
    double CutOffA,
    double CutOffB,
    double CutOffC,
    bool CrossedC,
    ClinicalOutcome Outcome);

/// <summary>
/// SE = SD1 * sqrt(1 - r); S_diff = sqrt(2 * SE^2); RC = (x2 - x1) / S_diff; reliable when
/// |RC| &gt; 1.96, both compared at two decimals (<see cref="Precision"/>). Cut-offs: a = M_dys -/+ 2 SD_dys (two SDs from the clinical mean toward health),
/// b = M_func +/- 2 SD_func (two SDs from the healthy mean toward the clinical one),
/// c = (SD_func * M_dys + SD_dys * M_func) / (SD_dys + SD_func). SD1 is the dysfunctional SD
/// (the spread at intake). Recovered: reliable improvement that ends past c on the healthy side.
/// </summary>
public static class JacobsonTruax
{
    public const double Criterion = 1.96;

    public static JacobsonTruaxResult Evaluate(InstrumentNorms norms, double x1, double x2)
    {
        ArgumentNullException.ThrowIfNull(norms);
        if (norms.Reliability is < 0 or >= 1 || norms.SdDysfunctional <= 0 || norms.SdFunctional <= 0)
        {
            throw new ArgumentException("Reliability must be in [0, 1) and both SDs positive.", nameof(norms));
        }

        var se = norms.SdDysfunctional * Math.Sqrt(1 - norms.Reliability);
        var sDiff = Math.Sqrt(2 * se * se);
        var rc = (x2 - x1) / sDiff;
        var reliable = Precision.Above(Math.Abs(rc), Criterion);

        // "Toward health" is down when lower is better, up otherwise.
        var towardHealth = norms.LowerIsBetter ? -1 : 1;
        var a = norms.MeanDysfunctional + (towardHealth * 2 * norms.SdDysfunctional);
        var b = norms.MeanFunctional - (towardHealth * 2 * norms.SdFunctional);
        var c = ((norms.SdFunctional * norms.MeanDysfunctional) + (norms.SdDysfunctional * norms.MeanFunctional)) / (norms.SdDysfunctional + norms.SdFunctional);
        var crossed = norms.LowerIsBetter ? Precision.Below(x2, c) : Precision.Above(x2, c);
        var improved = reliable && Math.Sign(x2 - x1) == towardHealth;
        var deteriorated = reliable && !improved;

        var outcome = deteriorated ? ClinicalOutcome.Deteriorated
            : improved && crossed ? ClinicalOutcome.Recovered
            : improved ? ClinicalOutcome.Improved
            : ClinicalOutcome.Unchanged;
        return new JacobsonTruaxResult(se, sDiff, rc, reliable, a, b, c, crossed, outcome);
    }
}
