using Tandem.Infrastructure.Text;

namespace Tandem.UnitTests.Text;

public sealed class SafeMarkdownTests
{
    private readonly SafeMarkdown _markdown = new();

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
