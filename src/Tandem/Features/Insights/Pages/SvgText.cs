using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components;

namespace Tandem.Features.Insights.Pages;

/// <summary>An SVG text element (Razor reserves &lt;text&gt;), its content encoded.</summary>
internal static class SvgText
{
    public static MarkupString Label(string cls, double x, double y, string content, string anchor = "start") =>
        new($"<text class=\"{cls}\" x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\">{WebUtility.HtmlEncode(content)}</text>");

    public static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
