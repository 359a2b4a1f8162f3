namespace Tandem.IntegrationTests.Measures;

/// <summary>Submission bodies for the demo instruments.</summary>
internal static class MeasureRequests
{
    public static readonly string[] Phq9Items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];
    public static readonly string[] Gad7Items = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"];

    public static object Phq9(int each = 1, int item9 = 0) => new
    {
        instrumentId = "phq-9",
        answers = Phq9Items.Select(l => new { linkId = l, value = (object)(l == "44260-8" ? item9 : each) }).ToArray(),
    };

    public static object Gad7(int each = 1) => new
    {
        instrumentId = "gad-7",
        answers = Gad7Items.Select(l => new { linkId = l, value = (object)each }).ToArray(),
    };

    public static readonly string[] PreferenceItems = ["d1", "d2", "d3", "d4", "e1", "p1", "s1"];

    public static object Preferences(int each) => new
    {
        instrumentId = "preferences",
        answers = PreferenceItems.Select(l => new { linkId = l, value = (object)each }).ToArray(),
    };

    public static object Collaboration(string instrumentId, int each, string? text = null) => new
    {
        instrumentId,
        answers = Enumerable.Range(1, 7).Select(i => new { linkId = i.ToString(System.Globalization.CultureInfo.InvariantCulture), value = (object)each })
            .Concat(text is null ? [] : [new { linkId = "8", value = (object)text }]).ToArray(),
    };
}
