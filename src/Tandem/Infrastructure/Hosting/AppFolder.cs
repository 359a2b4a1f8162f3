using System.Reflection;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Tandem's content root is its own folder, whatever folder it was started from (issue 19,
/// finding 13; issue 26, item 0). The framework's default is the working directory: started by a
/// service manager or a script from elsewhere, Tandem read no appsettings.json (so logging fell
/// to Information and wrote full URLs with tokens) and found no wwwroot (no styles, no live
/// pages). The folder is the one that holds Tandem.dll (a published app); when that is a build
/// output inside the source tree (<c>dotnet run</c>), the project folder, where the README says
/// the data folder is. An explicit <c>--contentRoot</c> or ASPNETCORE_CONTENTROOT still wins, and
/// a host that loads Tandem into another program (the test factory) chooses its own.
/// </summary>
public static class AppFolder
{
    public static WebApplicationOptions Options(string[] args)
    {
        var chosen = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase) || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        var hosted = Assembly.GetEntryAssembly() != typeof(AppFolder).Assembly;
        return new WebApplicationOptions { Args = args, ContentRootPath = chosen || hosted ? null : Path };
    }

    /// <summary>The folder of Tandem.dll, or its project folder when that is a build output (bin/&lt;configuration&gt;/&lt;framework&gt;/).</summary>
    public static string Path
    {
        get
        {
            var folder = AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
            var project = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, "..", "..", ".."));
            return File.Exists(System.IO.Path.Combine(project, "Tandem.csproj")) && !File.Exists(System.IO.Path.Combine(folder, "wwwroot", "favicon.png"))
                ? project
                : folder;
        }
    }
}
