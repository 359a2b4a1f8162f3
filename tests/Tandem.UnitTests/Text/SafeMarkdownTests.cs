using Tandem.Infrastructure.Text;

namespace Tandem.UnitTests.Text;

public sealed class SafeMarkdownTests : IDisposable
{
    private readonly SafeMarkdown _markdown = new();

    public void Dispose() => _markdown.Dispose();

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<style>body{display:none}</style>")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    public void Script_payloads_come_out_inert(string payload)
    {
        // Raw HTML is shown as text (escaped), never as markup; links keep only safe schemes.
        var html = _markdown.ToHtml(payload);
        foreach (var tag in new[] { "<script", "<img", "<svg", "<iframe", "<style" })
        {
            Assert.DoesNotContain(tag, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotMatch(@"(?i)<a[^>]*href=""(javascript|data):", html);
        Assert.DoesNotMatch(@"<[a-z]+[^>]*\son[a-z]+=", html);
    }

    [Fact]
    public void A_text_shown_again_is_the_same_safe_HTML_kept_from_the_first_time_and_the_two_styles_are_kept_apart()
    {
        const string text = "line one\nline two <script>alert(1)</script>";
        var first = _markdown.ToHtml(text);
        var again = _markdown.ToHtml(text);
        Assert.Same(first, again);
        Assert.DoesNotContain("<script", again, StringComparison.OrdinalIgnoreCase);

        // Typed text keeps its line break; a document lets wrapped lines flow: the same source, two results.
        Assert.Contains("<br>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("<br>", _markdown.DocumentToHtml(text), StringComparison.Ordinal);
        Assert.NotEqual(first, _markdown.ToHtml(text + " edited"));
    }

    [Fact]
    public void Ordinary_markdown_survives_and_links_open_safely()
    {
        var html = _markdown.ToHtml("**Bold** and *calm*\n\n- one\n- two\n\n[a link](https://example.org)");
        Assert.Contains("<strong>Bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<li>one</li>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_line_breaks_are_kept_but_documents_flow()
    {
        Assert.Contains("<br", _markdown.ToHtml("line one\nline two"), StringComparison.Ordinal);
        Assert.DoesNotContain("<br", _markdown.DocumentToHtml("line one\nline two"), StringComparison.Ordinal);
    }
}
