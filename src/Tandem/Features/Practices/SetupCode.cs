using System.Security.Cryptography;
using System.Text;

namespace Tandem.Features.Practices;

/// <summary>
/// The one-time code that first-run setup asks for (issue 26, item 4), so that whoever reaches a
/// new server first cannot make themselves its administrator. <c>Tandem:SetupCode</c> when the
/// operator sets one (several nodes must share it); otherwise a random code made up at start and
/// printed in the server log (<see cref="Infrastructure.Hosting.DatabaseInitializer"/>). It stops
/// mattering once the first practice exists: /setup is gone for good.
/// </summary>
public sealed class SetupCode
{
    public const string SettingKey = "Tandem:SetupCode";

    /// <summary>A configured code shorter than this (dashes and spaces aside) stops the app at start: it could be guessed.</summary>
    public const int MinimumConfiguredLength = 12;

    // Crockford's base-32 letters: no I, L, O or U to misread; 20 of them carry 100 random bits.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private readonly byte[] _expected;

    public SetupCode(IConfiguration config)
    {
        IsConfigured = config[SettingKey] is { Length: > 0 };
        Value = IsConfigured ? config[SettingKey]! : MakeUp();
        _expected = Digest(Value);
    }

    /// <summary>True when the operator set the code; then it is never printed.</summary>
    public bool IsConfigured { get; }

    /// <summary>The code (printed at start when made up).</summary>
    public string Value { get; }

    /// <summary>Whether a typed code is this one: case, spaces and dashes do not matter; the comparison takes the same time whatever was typed.</summary>
    public bool Matches(string? typed) => CryptographicOperations.FixedTimeEquals(Digest(typed ?? ""), _expected) && Normalise(typed ?? "").Length > 0;

    /// <summary>Checks the setting at start: a configured code that is too short stops the app with one sentence.</summary>
    public static void Validate(IConfiguration config)
    {
        if (config[SettingKey] is { Length: > 0 } value && Normalise(value).Length < MinimumConfiguredLength)
        {
            throw new Tandem.Infrastructure.Hosting.SettingException($"{SettingKey} must have at least {MinimumConfiguredLength} letters or digits (leave it empty and Tandem makes one up and prints it in the log).");
        }
    }

    public static string Normalise(string code)
    {
        var kept = new StringBuilder(code.Length);
        foreach (var c in code)
        {
            if (!char.IsWhiteSpace(c) && c != '-')
            {
                kept.Append(char.ToUpperInvariant(c));
            }
        }

        return kept.ToString();
    }

    private static byte[] Digest(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(code)));

    private static string MakeUp()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 20);
        return string.Join('-', Enumerable.Range(0, 5).Select(i => new string(chars, i * 4, 4)));
    }
}
