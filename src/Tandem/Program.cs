using Tandem.Infrastructure.Hosting;

// First, before the JIT compiles anything large (see NativeHeap).
NativeHeap.Configure();

// `backup <file>` / `restore <file>` take their file off the arguments before the host reads them.
var (command, file, hostArgs) = Tandem.Data.BackupCommand.Parse(args);
var builder = WebApplication.CreateBuilder(AppFolder.Options(hostArgs));
WebApplication app;
try
{
    builder.AddTandem();
    app = builder.Build();
    if (command is null && args is not ["migrate", ..] and not ["verify-audit", ..] and not ["audit-heads", ..])
    {
        AppOrigin.RequireForServing(app.Configuration, app.Environment);
        Tandem.Infrastructure.Mail.MailSettings.RequireForServing(app.Configuration, app.Environment);
    }
}
catch (Exception ex) when (SettingException.Within(ex) is { } setting)
{
    return CannotStart(setting);
}

if (args is ["migrate", ..])
{
    return await Tandem.Data.MigrateCommand.RunAsync(app.Services);
}

if (args is ["verify-audit", ..])
{
    return await Tandem.Features.Audit.AuditCommand.RunAsync(app.Services);
}

if (args is ["audit-heads", ..])
{
    return await Tandem.Features.Audit.AuditCommand.ExportHeadsAsync(app.Services);
}

if (command is not null)
{
    return await Tandem.Data.BackupCommand.RunAsync(app.Services, command, file);
}

app.MapTandem();
try
{
    app.Run();
}
catch (Exception ex) when (SettingException.Within(ex) is { } setting)
{
    // A safety net: every setting is read as the app is built, but a service made as the host starts could still read one.
    return CannotStart(setting);
}

return 0;

// One line an operator can act on (issue 26, item 1), not a stack trace; exit code 1.
static int CannotStart(SettingException setting)
{
    Console.Error.WriteLine($"Tandem cannot start: {setting.Message}");
    return 1;
}

/// <summary>Entry point; public so the test projects can host the app.</summary>
public partial class Program;
