namespace Tandem.IntegrationTests.Support;

/// <summary>The setting that puts every database command the app runs into its captured log (<see cref="TandemApp.Log"/>), for tests that count reads.</summary>
public static class CommandLog
{
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
    };
}
