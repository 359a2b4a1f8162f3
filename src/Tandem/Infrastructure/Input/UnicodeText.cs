namespace Tandem.Infrastructure.Input;

/// <summary>Whether text is well-formed Unicode that .NET can normalise.</summary>
internal static class UnicodeText
{
    /// <summary>
    /// False for exactly the text <see cref="string.Normalize()"/> refuses on ICU: an unpaired surrogate
    /// or the noncharacter U+FFFE (the runtime's own check). Checked without the exception.
    /// </summary>
    public static bool HasNormalForm(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\uFFFE')
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
