namespace Tandem.Infrastructure.Observability;

/// <summary>
/// The console log's format: text lines for a person (the default), or one JSON object a line for a
/// log collector with <c>Tandem:LogFormat=json</c> (environment: <c>Tandem__LogFormat=json</c>). The
/// framework's <c>Logging:Console:FormatterName=json</c> means the same (Tandem logs through Serilog,
/// so the framework's console formatter is not used otherwise).
/// </summary>
public static class LogFormat
{
    public static bool IsJson(IConfiguration config) =>
        string.Equals(config["Tandem:LogFormat"], "json", StringComparison.OrdinalIgnoreCase)
        || (config["Tandem:LogFormat"] is null && string.Equals(config["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase));
}
