using System.Globalization;
using System.Text.RegularExpressions;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Practices;

/// <summary>
/// The rules for a practice's colour and logo (issue 21). The colour is where white text sits (buttons,
/// the email header), so it must reach WCAG AA contrast with white (4.5:1) or it is refused with the
/// figure. Logos are PNG or JPEG only, checked by their first bytes, not by what the uploader says:
/// SVG can carry script, and a file served from Tandem's own origin must never be one.
/// </summary>
public static partial class Branding
{
    public const double MinimumContrast = 4.5;

    public const int LogoMaxBytes = 200 * 1024;

    /// <summary>"#1F6F66" or "1f6f66" → "#1f6f66"; null or empty → null (no colour: Tandem's own).</summary>
    public static string? NormaliseColour(string? colour)
    {
        if (string.IsNullOrWhiteSpace(colour))
        {
            return null;
        }

        var value = colour.Trim();
        value = value.StartsWith('#') ? value : "#" + value;
        if (!HexColour().IsMatch(value))
        {
            throw Invalid("brandColour", "Give the colour as a hex code such as #1f6f66.");
        }

        value = value.ToLowerInvariant();
        var contrast = ContrastWithWhite(value);
        if (contrast < MinimumContrast)
        {
            throw Invalid("brandColour",
                $"White text on {value} has a contrast of {contrast.ToString("0.0", CultureInfo.InvariantCulture)}:1, below the {MinimumContrast.ToString("0.0", CultureInfo.InvariantCulture)}:1 people need to read it. Choose a darker colour.");
        }

        return value;
    }

    /// <summary>WCAG 2 contrast ratio of white against the colour ("#rrggbb").</summary>
    public static double ContrastWithWhite(string hex)
    {
        double Channel(int offset)
        {
            var c = int.Parse(hex.AsSpan(offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        var luminance = (0.2126 * Channel(1)) + (0.7152 * Channel(3)) + (0.0722 * Channel(5));
        return 1.05 / (luminance + 0.05);
    }

    /// <summary>The logo's real type from its first bytes ("image/png" or "image/jpeg"); refuses anything else, empty or too big.</summary>
    public static string LogoType(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            throw Invalid("logo", "Choose a PNG or JPEG file for the logo.");
        }

        if (bytes.Length > LogoMaxBytes)
        {
            throw Invalid("logo", $"The logo is {bytes.Length / 1024} KB; at most 200 KB is allowed. Save it smaller and try again.");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        throw Invalid("logo", "The logo must be a PNG or JPEG file. SVG and other formats are not accepted, because they can carry scripts.");
    }

    private static DomainException Invalid(string field, string sentence) =>
        new(sentence, DomainError.Invalid, new Dictionary<string, string[]> { [field] = [sentence] });

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColour();
}
