using Tandem.Infrastructure.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTandem();

var app = builder.Build();
if (args is ["verify-audit", ..])
{
    return await Tandem.Features.Audit.AuditCommand.RunAsync(app.Services);
}

app.MapTandem();
app.Run();
return 0;

/// <summary>Entry point; public so the test projects can host the app.</summary>
public partial class Program;
