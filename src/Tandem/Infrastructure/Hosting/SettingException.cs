namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// A setting Tandem cannot start without, or one it cannot read. Program prints the message as one
/// line ("Tandem cannot start: ...") and exits with code 1: an operator reading a service's log sees
/// which setting to fix, not a stack trace.
/// </summary>
public sealed class SettingException(string message) : Exception(message);
