using System.Net;
using System.Text;
using DiffPlex;

namespace Tandem.Features.Sessions;

/// <summary>What an amendment changed, word by word, as safe HTML (every piece of text is encoded).</summary>
public static class WordDiff
{
    private static readonly char[] Separators = [' ', '\n', '\t', '.', ',', ';', ':', '!', '?'];

    public static string ToHtml(string before, string after)
    {
        var diff = Differ.Instance.CreateWordDiffs(before ?? "", after ?? "", false, Separators);
        var html = new StringBuilder();
        var a = 0;
        var b = 0;
        foreach (var block in Merge(diff))
        {
            while (b < block.InsertStartB)
            {
                html.Append(Encode(diff.PiecesNew[b++]));
            }

            a = block.DeleteStartA;
            if (block.DeleteCountA > 0)
            {
                html.Append("<del>").Append(Encode(string.Concat(diff.PiecesOld.Skip(a).Take(block.DeleteCountA)))).Append("</del>");
            }

            if (block.InsertCountB > 0)
            {
                html.Append("<ins>").Append(Encode(string.Concat(diff.PiecesNew.Skip(b).Take(block.InsertCountB)))).Append("</ins>");
            }

            a += block.DeleteCountA;
            b = block.InsertStartB + block.InsertCountB;
        }

        while (b < diff.PiecesNew.Count)
        {
            html.Append(Encode(diff.PiecesNew[b++]));
        }

        return html.ToString();
    }

    /// <summary>
    /// Changes separated only by spaces read better as one change ("<del>the client refused</del>
    /// <ins>you chose not to</ins>") than word by word.
    /// </summary>
    private static List<DiffPlex.Model.DiffBlock> Merge(DiffPlex.Model.DiffResult diff)
    {
        var merged = new List<DiffPlex.Model.DiffBlock>();
        foreach (var block in diff.DiffBlocks)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                var gapA = diff.PiecesOld.Skip(last.DeleteStartA + last.DeleteCountA).Take(block.DeleteStartA - last.DeleteStartA - last.DeleteCountA);
                var gapB = diff.PiecesNew.Skip(last.InsertStartB + last.InsertCountB).Take(block.InsertStartB - last.InsertStartB - last.InsertCountB);
                if (gapA.Concat(gapB).All(string.IsNullOrWhiteSpace))
                {
                    merged[^1] = new DiffPlex.Model.DiffBlock(
                        last.DeleteStartA, block.DeleteStartA + block.DeleteCountA - last.DeleteStartA,
                        last.InsertStartB, block.InsertStartB + block.InsertCountB - last.InsertStartB);
                    continue;
                }
            }

            merged.Add(block);
        }

        return merged;
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s).Replace("\n", "<br>", StringComparison.Ordinal);
}
