using System.Runtime.InteropServices;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Keeps the C library's heap from holding on to memory the process used once (issue 25, memory under 400 MiB).
/// <para>
/// Compiling a very large method takes the .NET JIT tens of megabytes of scratch memory in 64 KB pieces. Firely's
/// FHIR model has one (a static constructor of 252 KB of IL, run when the measures' instruments are first read): the
/// JIT took 75 MB for it. glibc serves 64 KB pieces from its arenas, and an arena gives memory back only from its
/// top, so after that one compilation 67 of the arena's 69 MB stayed with the process, unused, for its whole life
/// (measured with heaptrack and glibc's <c>malloc_stats</c>).
/// </para>
/// <para>
/// glibc still serves a piece from an arena's free room first; when there is none, a piece of 64 KB or more is now
/// mapped on its own and unmapped on free, instead of growing the arena, so that memory goes back at once.
/// glibc's own default (128 KB, raised as large pieces are freed) is kept when the operator sets
/// <c>MALLOC_MMAP_THRESHOLD_</c> or <c>GLIBC_TUNABLES</c>. Other C libraries (musl) and other systems are left
/// as they are.
/// </para>
/// </summary>
public static class NativeHeap
{
    /// <summary>glibc's <c>M_MMAP_THRESHOLD</c> (malloc.h).</summary>
    private const int MmapThresholdOption = -3;

    public const int MmapThreshold = 64 * 1024;

    /// <summary>Whether the threshold was set: glibc on Linux, and the operator set no malloc tunable of their own.</summary>
    public static bool Configure()
    {
        if (!OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null)
        {
            return false;
        }

        try
        {
            return MallOpt(MmapThresholdOption, MmapThreshold) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling, and the project allows no unsafe code.
    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int MallOpt(int option, int value);
}
