using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Typed settings read once, as the app is built: a value Tandem cannot read (<c>Security:IdleTimeout=half an hour</c>,
/// <c>Tandem:ViewCache=yes</c>) stops the start with one sentence naming the setting, what it is and what it should be
/// (a <see cref="SettingException"/>, which Program prints as "Tandem cannot start: ..."), never a 500 on some later
/// request or a background service that dies quietly.
/// </summary>
public static partial class Setting
{
    /// <summary>The value of <paramref name="key"/>, or <paramref name="fallback"/> when it is not set (or blank).</summary>
    public static T Get<T>(IConfiguration config, string key, T fallback)
        where T : struct => Get<T>(config, key) ?? fallback;

    /// <summary>The value of <paramref name="key"/>, or null when it is not set (or blank).</summary>
    public static T? Get<T>(IConfiguration config, string key)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(config[key]))
        {
            return null;
        }

        try
        {
            return config.GetValue<T>(key);
        }
        catch (InvalidOperationException ex)
        {
            throw Unreadable(config, key, typeof(T), ex);
        }
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, as <see cref="OptionsBuilderConfigurationExtensions.Bind{TOptions}(OptionsBuilder{TOptions}, IConfiguration)"/>
    /// does, after binding it once now: a value the binder cannot convert stops the start here, not at the first request
    /// that asks for the options.
    /// </summary>
    public static OptionsBuilder<TOptions> BindChecked<TOptions>(this OptionsBuilder<TOptions> options, IConfiguration config, string section)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            config.GetSection(section).Bind(new TOptions());
        }
        catch (InvalidOperationException ex) when (FailedBinding().Match(ex.Message) is { Success: true } failed)
        {
            var key = failed.Groups["key"].Value;
            throw Unreadable(config, key, TypeFromName(typeof(TOptions), key, section), ex);
        }

        return options.Bind(config.GetSection(section));
    }

    // "Failed to convert configuration value at 'Security:IdleTimeout' to type 'System.TimeSpan'." (the binder's own words).
    [GeneratedRegex(@"at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex FailedBinding();

    /// <summary>The type of the property <paramref name="key"/> names on <paramref name="options"/> (null when it cannot tell).</summary>
    private static Type? TypeFromName(Type options, string key, string section)
    {
        var name = key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase) ? key[(section.Length + 1)..] : key;
        return options.GetProperty(name.Split(':')[0], System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)?.PropertyType;
    }

    private static SettingException Unreadable(IConfiguration config, string key, Type? type, Exception ex) =>
        new($"{key} must be {Expected(type)}; \"{config[key]}\" is not (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}).", ex);

    /// <summary>What a value of <paramref name="type"/> looks like, in words an operator can act on.</summary>
    internal static string Expected(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "a value Tandem can read",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) => "a number such as 2.5",
            _ when type == typeof(TimeSpan) => "a length of time such as 00:30:00 (hours:minutes:seconds) or 1.00:00:00 (one day)",
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ => $"a {type.Name.ToLower(CultureInfo.InvariantCulture)}",
        };
    }
}
