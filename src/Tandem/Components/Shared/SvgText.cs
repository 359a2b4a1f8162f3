using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components;

namespace Tandem.Components;

/// <summary>An SVG text element for the server-rendered charts (Razor reserves &lt;text&gt;), its content encoded.</summary>
public static class SvgText
{
    public static MarkupString Label(string cls, double x, double y, string content, string anchor = "start") =>
        new($"<text class=\"{cls}\" x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\">{WebUtility.HtmlEncode(content)}</text>");

    public static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
