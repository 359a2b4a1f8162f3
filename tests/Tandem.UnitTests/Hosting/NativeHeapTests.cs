using System.Runtime.InteropServices;
using Tandem.Infrastructure.Hosting;

namespace Tandem.UnitTests.Hosting;

/// <summary>
/// The C heap gives 64 KB pieces (the JIT's scratch memory) back to the system when they are freed (issue 25): after
/// <see cref="NativeHeap.Configure"/> glibc maps each on its own, where before it kept them in an arena for good.
/// </summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void Pieces_of_64_KB_are_mapped_on_their_own_and_unmapped_when_freed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null
            && Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null, "glibc's own threshold only");

        Assert.True(NativeHeap.Configure());

        const int pieces = 100;
        var before = MallInfo();
        var blocks = new nint[pieces];
        for (var i = 0; i < pieces; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(NativeHeap.MmapThreshold);
        }

        var held = MallInfo();
        foreach (var block in blocks)
        {
            Marshal.FreeHGlobal(block);
        }

        var after = MallInfo();

        // Other threads of the test run may map or unmap a few pieces of their own meanwhile.
        Assert.True(held.Mapped - before.Mapped >= (pieces - 10) * (long)NativeHeap.MmapThreshold,
            $"{(held.Mapped - before.Mapped) / 1024} KB mapped for {pieces} pieces of 64 KB");
        Assert.True(held.Mapped - after.Mapped >= (pieces - 10) * (long)NativeHeap.MmapThreshold,
            $"only {(held.Mapped - after.Mapped) / 1024} KB unmapped on free");
    }

    private static (long Mapped, long Free) MallInfo()
    {
        var info = MallInfo2Of();
        return ((long)info.MappedBytes, (long)info.FreeBytes);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        // glibc's struct mallinfo2, field by field: arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost.
        public nuint Arena, OrdinaryBlocks, SmallBlocks, MappedBlocks, MappedBytes, MaxUsed, FreeSmallBytes, UsedBytes, FreeBytes, Releasable;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo2Of();
}
