using Tandem.Infrastructure.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTandem();

var app = builder.Build();
app.MapTandem();
app.Run();

/// <summary>Entry point; public so the test projects can host the app.</summary>
public partial class Program;
