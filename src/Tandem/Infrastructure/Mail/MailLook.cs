using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Tandem.Infrastructure.Mail;

/// <summary>
/// How a practice's emails look (issue 21): its name, its colour (contrast-checked "#rrggbb") and its logo
/// (PNG or JPEG bytes, at most 200 KB), which travels inside the email: a mail program shows it without
/// fetching anything, and Tandem never learns when a mail was opened.
/// </summary>
public sealed record MailLook(string PracticeName, string? Colour, byte[]? Logo = null, string? LogoContentType = null)
{
    /// <summary>The logo's content id in the HTML part ("cid:" + this).</summary>
    public const string LogoContentId = "practice-logo@tandem";
}

/// <summary>Finds a practice's <see cref="MailLook"/> (implemented by the practice settings feature).</summary>
public interface IMailLook
{
    Task<MailLook?> ForAsync(Guid practiceId, CancellationToken ct);
}

/// <summary>
/// The HTML part of every practice's email: a band in the practice's colour with its name (and logo,
/// carried in the mail itself as a related part, never a remote image, script or third party), then the text,
/// HTML-encoded, its links made clickable. The plain-text part stays the same words.
/// </summary>
public static partial class MailHtml
{
    public const string TandemColour = "#1f6f66";

    public static string Render(MailLook look, string text)
    {
        ArgumentNullException.ThrowIfNull(look);
        var colour = look.Colour is { } c && Hex().IsMatch(c) ? c : TandemColour;
        var name = WebUtility.HtmlEncode(look.PracticeName);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(name).Append("</title></head>");
        html.Append("<body style=\"margin:0;padding:0;background:#f7f5f0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2a2e;\">");
        html.Append("<div style=\"max-width:600px;margin:0 auto;padding:16px;\">");
        html.Append("<div style=\"background:").Append(colour).Append(";color:#ffffff;padding:12px 16px;border-radius:8px 8px 0 0;font-size:18px;font-weight:bold;\">");
        if (look.Logo is { Length: > 0 })
        {
            html.Append("<img src=\"cid:").Append(MailLook.LogoContentId).Append("\" alt=\"\" height=\"40\" style=\"height:40px;vertical-align:middle;background:#ffffff;border-radius:4px;padding:2px;margin-right:8px;\">");
        }

        html.Append(name).Append("</div>");
        html.Append("<div style=\"background:#ffffff;padding:16px;border-radius:0 0 8px 8px;line-height:1.5;font-size:16px;\">");
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            var encoded = WebUtility.HtmlEncode(paragraph.Trim('\n'));
            encoded = Link().Replace(encoded, m => $"<a href=\"{m.Value}\" style=\"color:{colour};\">{m.Value}</a>");
            html.Append("<p>").Append(encoded.Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        html.Append("</div></div></body></html>");
        return html.ToString();
    }

    [GeneratedRegex("^#[0-9a-f]{6}$")]
    private static partial Regex Hex();

    [GeneratedRegex("https?://[^\\s<>\"]+")]
    private static partial Regex Link();
}
