using Tandem.Infrastructure.Hosting;

// `backup <file>` / `restore <file>` take their file off the arguments before the host reads them.
var (command, file, hostArgs) = Tandem.Data.BackupCommand.Parse(args);
var builder = WebApplication.CreateBuilder(AppFolder.Options(hostArgs));
builder.AddTandem();

var app = builder.Build();
if (args is ["migrate", ..])
{
    return await Tandem.Data.MigrateCommand.RunAsync(app.Services);
}

if (args is ["verify-audit", ..])
{
    return await Tandem.Features.Audit.AuditCommand.RunAsync(app.Services);
}

if (command is not null)
{
    return await Tandem.Data.BackupCommand.RunAsync(app.Services, command, file);
}

app.MapTandem();
app.Run();
return 0;

/// <summary>Entry point; public so the test projects can host the app.</summary>
public partial class Program;
