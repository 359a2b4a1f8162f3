namespace Tandem.IntegrationTests.Support;

/// <summary>
/// The figures QUALITY.md asks each suite to print. test.sh shows every output line that
/// contains "figure:", so they go straight to the runner's standard output (xunit does not
/// capture the console) as well as to the test's own output.
/// </summary>
public static class Figures
{
    public static void Print(string text)
    {
        var line = $"figure: {text}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    /// <summary>TANDEM_FULL=1 (./test.sh --full): the long versions of the reliability suites.</summary>
    public static bool FullMode =>
        Environment.GetEnvironmentVariable("TANDEM_FULL") is "1" or "true" or "yes";
}
