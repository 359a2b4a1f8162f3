using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// Enum values that come from outside (JSON, forms, query strings) are one of the enum's names,
/// nothing else (issue 19, finding 4). .NET's own parsing takes any number ("2", "-1") and any
/// comma-joined combination as a value of any enum, so an invitation could carry role 2 and its
/// person join with a role no rule knows. Every input of an enum goes through <see cref="TryParse"/>:
/// the JSON converter below (for every API body), the form-binding check
/// (<see cref="FormEnumGuard"/>) for pages' forms and the pages that read their form themselves.
/// </summary>
public static class DefinedEnums
{
    private static readonly ConcurrentDictionary<Type, string[]> Names = new();

    /// <summary>A defined name of <typeparamref name="T"/> (any letter case); never a number or a combination.</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        if (TryParse(typeof(T), text, out var boxed))
        {
            value = (T)boxed;
            return true;
        }

        value = default;
        return false;
    }

    public static bool TryParse(Type enumType, string? text, out object value)
    {
        value = Activator.CreateInstance(enumType)!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var name = NamesOf(enumType).FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            return false;
        }

        value = Enum.Parse(enumType, name);
        return true;
    }

    /// <summary>The sentence a refusal gives: "must be one of: A, B."</summary>
    public static string Expected(Type enumType) => "must be one of: " + string.Join(", ", NamesOf(enumType)) + ".";

    public static string[] NamesOf(Type enumType) => Names.GetOrAdd(enumType, Enum.GetNames);
}

/// <summary>Thrown by <see cref="DefinedEnumConverterFactory"/>; the error handler names the field and the allowed values.</summary>
public sealed class UndefinedEnumException(Type enumType, string? given)
    : JsonException($"The value {(given is null ? "given" : $"'{Shorten(given)}'")} {DefinedEnums.Expected(enumType)}")
{
    public Type EnumType { get; } = enumType;

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}

/// <summary>
/// Enums in JSON are written and read as their names (API.md); a number, an unknown name or a
/// combination is refused (400, naming the field and the allowed values), whatever the enum.
/// </summary>
public sealed class DefinedEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                var text = reader.GetString();
                return DefinedEnums.TryParse<T>(text, out var value) ? value : throw new UndefinedEnumException(typeof(T), text);
            }

            var raw = reader.TokenType is JsonTokenType.Number ? Convert.ToString(reader.GetDouble(), CultureInfo.InvariantCulture) : null;
            throw new UndefinedEnumException(typeof(T), raw);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Enum.IsDefined(value) ? value.ToString() : Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return DefinedEnums.TryParse<T>(text, out var value) ? value : throw new UndefinedEnumException(typeof(T), text);
        }

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.ToString());
    }
}
