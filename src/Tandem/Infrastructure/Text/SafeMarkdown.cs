using Ganss.Xss;
using Markdig;
using Microsoft.Extensions.Caching.Memory;

namespace Tandem.Infrastructure.Text;

/// <summary>
/// Everything a person writes that is shown as rich text goes through here: Markdown to HTML
/// (Markdig, raw HTML disabled), then an allow-list sanitiser (HtmlSanitizer). Links open
/// safely; scripts, styles, event handlers and foreign schemes never survive.
/// </summary>
public sealed class SafeMarkdown : IDisposable
{
    // What people type in a box: a line break is a line break.
    private static readonly MarkdownPipeline Typed = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseListExtras()
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    // Documents written in Markdown files (the agreement): wrapped lines flow as paragraphs.
    private static readonly MarkdownPipeline Document = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseListExtras()
        .Build();

    private readonly HtmlSanitizer _sanitizer;

    /// <summary>
    /// The HTML of texts shown lately, keyed by the text itself. Sanitising is the costliest step of showing a message or a
    /// note (issue 25: a sixth of the conversation page's time), and a text gives the same HTML every time, so a kept
    /// result never goes stale: an edit is a new text. Bounded (about 4 million characters) and let go after ten
    /// minutes unseen, so what people wrote does not stay in memory longer than the pages that show it.
    /// </summary>
    private readonly MemoryCache _shown = new(new MemoryCacheOptions { SizeLimit = 4_000_000 });

    private static readonly TimeSpan Unseen = TimeSpan.FromMinutes(10);

    public SafeMarkdown()
    {
        _sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "blockquote", "code", "pre",
                "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a", "table", "thead", "tbody", "tr", "th", "td",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title", "start" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "https", "http", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
        });
        _sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Html.Dom.IHtmlAnchorElement anchor)
            {
                anchor.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        _sanitizer.AllowedAttributes.Add("rel");
    }

    // Bidirectional overrides and isolates are dropped as the text is shown (issue 19, finding 14): they would make it read
    // in another order than it was written. New text is stored without them (StoredText); this covers what was stored before.
    public string ToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Kept(markdown, Typed);

    private string Kept(string markdown, MarkdownPipeline pipeline)
    {
        var key = (markdown, pipeline == Typed);
        if (_shown.TryGetValue(key, out string? html) && html is not null)
        {
            return html;
        }

        html = _sanitizer.Sanitize(Markdown.ToHtml(Input.StoredText.WithoutBidiControls(markdown), pipeline));
        _shown.Set(key, html, new MemoryCacheEntryOptions { Size = markdown.Length + html.Length, SlidingExpiration = Unseen });
        return html;
    }

    /// <summary>
    /// The first words of what someone wrote, as plain text on one line (markup, links' addresses and
    /// line breaks gone), cut at a word with "…". Shown as text, never as markup.
    /// </summary>
    public static string ToPlainExcerpt(string? markdown, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return "";
        }

        var plain = Markdown.ToPlainText(Input.StoredText.WithoutBidiControls(markdown), Typed);
        plain = string.Join(' ', plain.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (plain.Length <= maxLength)
        {
            return plain;
        }

        var cut = plain.LastIndexOf(' ', maxLength);
        return plain[..(cut > maxLength / 2 ? cut : maxLength)].TrimEnd(',', '.', ';', ':') + "…";
    }

    public string DocumentToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Kept(markdown, Document);

    public void Dispose() => _shown.Dispose();
}
