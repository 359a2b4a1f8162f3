namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// A setting Tandem cannot start without, or one it cannot read. Program prints the message as one
/// line ("Tandem cannot start: ...") and exits with code 1: an operator reading a service's log sees
/// which setting to fix, not a stack trace.
/// </summary>
public sealed class SettingException : Exception
{
    public SettingException(string message)
        : base(message)
    {
    }

    public SettingException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The setting exception <paramref name="ex"/> is or carries (a service made as the host starts may be wrapped), or null.</summary>
    public static SettingException? Within(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SettingException setting)
            {
                return setting;
            }

            if (ex is AggregateException { InnerExceptions: [var single] })
            {
                return Within(single);
            }
        }

        return null;
    }
}
