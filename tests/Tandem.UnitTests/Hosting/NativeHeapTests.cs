using System.Runtime.InteropServices;
using Tandem.Infrastructure.Hosting;

namespace Tandem.UnitTests.Hosting;

/// <summary>
/// The C heap gives 64 KB pieces (the JIT's scratch memory) back to the system when they are freed (issue 25): after
/// <see cref="NativeHeap.Configure"/> glibc maps each on its own, and a mapped piece is unmapped on free, where before
/// it came from an arena that kept it for good.
/// </summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void With_no_free_room_left_a_64_KB_piece_is_mapped_on_its_own_rather_than_growing_an_arena()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null
            && Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null, "glibc's own threshold only");

        Assert.True(NativeHeap.Configure());

        // glibc serves a piece from an arena's free room first; the threshold decides what happens when there is none:
        // map the piece on its own rather than grow the arena. This process has run other tests, so its arenas have
        // free room: take 64 KB pieces until it is used up (at most 256 MB of address space, barely touched).
        var pieces = new List<nint>();
        try
        {
            var mapped = false;
            while (!mapped && pieces.Count < 4096)
            {
                pieces.Add(Marshal.AllocHGlobal(NativeHeap.MmapThreshold));
                mapped = IsMappedOnItsOwn(pieces[^1]);
            }

            Assert.True(mapped, $"{pieces.Count} pieces of 64 KB, all from an arena");
        }
        finally
        {
            pieces.ForEach(Marshal.FreeHGlobal);
        }
    }

    /// <summary>
    /// glibc marks a piece it mapped on its own in the size word just before the piece (IS_MMAPPED, 0x2): the chunk
    /// layout every glibc has used.
    /// </summary>
    private static bool IsMappedOnItsOwn(nint piece) => (Marshal.ReadInt64(piece, -8) & 0x2) != 0;
}
