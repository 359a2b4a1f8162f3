using System.Xml.Linq;
using Tandem.Features.Export;

namespace Tandem.UnitTests.Export;

/// <summary>Text people write becomes FHIR narrative: always well-formed XHTML, never markup of its own.</summary>
public sealed class NarrativeTests
{
    [Theory]
    [InlineData("<script>alert(1)</script> & <b>bold</b>")]
    [InlineData("Line one\nline two\n\nSecond paragraph")]
    [InlineData("Control \u0001\u0007 characters and \"quotes\" and 'apostrophes'")]
    [InlineData("")]
    public void Narrative_is_well_formed_xhtml_holding_the_text_as_text(string text)
    {
        var narrative = FhirBundleBuilder.Narrative(("Heading <i>", text));
        var div = XElement.Parse(narrative.Div!);
        Assert.Equal("{http://www.w3.org/1999/xhtml}div", div.Name.ToString());
        Assert.DoesNotContain(div.Descendants(), e => e.Name.LocalName is "script" or "i");
        var expected = new string(text.Where(c => !char.IsControl(c)).ToArray()).Replace("\n", "", StringComparison.Ordinal);
        Assert.Equal("Heading <i>" + expected, div.Value);
    }
}
