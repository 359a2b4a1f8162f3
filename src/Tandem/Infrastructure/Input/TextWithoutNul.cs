using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// Every text value read from a JSON body, at any depth and in every request type: a NUL (U+0000) is refused as the body
/// is read (400 naming the field, with the entity rules' sentence: the body cannot be read), before any lookup or write can see it. PostgreSQL cannot
/// hold U+0000 at all, so a NUL that reached a lookup (a password-reset email) answered 500 there and 401 on SQLite; no
/// use case has a reason to receive one. Other control characters and whether a field may hold line breaks stay the
/// entity's rule when it is stored (<see cref="StoredText"/>).
/// </summary>
public sealed class TextWithoutNulConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("The value of this field must be text.");
        }

        return Checked(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Checked(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string Checked(string text)
    {
        foreach (var c in text)
        {
            if (c == '\0')
            {
                throw new NulCharacterException();
            }
        }

        return text;
    }
}

/// <summary>Thrown by <see cref="TextWithoutNulConverter"/>; the error handler names the field.</summary>
public sealed class NulCharacterException()
    : JsonException("cannot contain control characters (such as NUL); where one line is asked for, no line breaks or tabs either.");
