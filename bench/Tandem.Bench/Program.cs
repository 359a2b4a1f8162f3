using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Tandem.Bench;
using Tandem.Data;
using Tandem.Infrastructure.Hosting;

// Usage: Tandem.Bench --size quick|small|large [--anchor yyyy-MM-dd] [app settings, e.g. --Database:Provider=Postgres]
// Fills an empty database with the deterministic benchmark data set and prints the time it took.
var size = SeedSize.Quick;
var anchor = DateTimeOffset.UtcNow.Date;
var rest = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size" when i + 1 < args.Length:
            size = SeedSize.Parse(args[++i]);
            break;
        case "--anchor" when i + 1 < args.Length:
            anchor = DateTime.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture).Date;
            break;
        default:
            rest.Add(args[i]);
            break;
    }
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = [.. rest, "--Demo:Seed=false", "--Serilog:MinimumLevel:Default=Warning"],
    EnvironmentName = "Production",
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddTandem();
await using var app = builder.Build();

var settings = app.Services.GetRequiredService<DatabaseSettings>();
var clock = Stopwatch.StartNew();
await app.Services.MigrateTandemDatabaseAsync();
Console.WriteLine($"Migrated {settings.Provider} in {clock.Elapsed.TotalSeconds:F1} s");

var seeder = new BenchSeeder(app.Services, size, new DateTimeOffset(anchor, TimeSpan.Zero));
try
{
    var counts = await seeder.RunAsync();
    Console.WriteLine($"Seeded {size.Name} on {settings.Provider} in {clock.Elapsed.TotalSeconds:F1} s: {counts}");
    return 0;
}
catch (InvalidOperationException e) when (e.Message.StartsWith("bench:", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
