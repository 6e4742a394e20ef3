namespace Fiqa.Tests;

/// <summary>LFW protocol files in miniature (a two-fold View 2 and a View 1 over four people), for tests that parse them
/// or need a protocol beside synthetic samples.</summary>
internal static class LfwProtocolFiles
{
    /// <summary>Writes the files to a fresh folder (optionally another pairs.txt) and returns it.</summary>
    public static string Write(string? pairs = null)
    {
        var root = TestData.TempDirectory();
        File.WriteAllText(Path.Combine(root, "people.txt"), "2\n2\nAnn_A\t3\nBob_B\t1\n2\nCid_C\t2\nDee_D\t1\n");
        File.WriteAllText(Path.Combine(root, "pairs.txt"), pairs ?? "2\t1\nAnn_A\t1\t3\nAnn_A\t2\tBob_B\t1\nCid_C\t1\t2\nCid_C\t2\tDee_D\t1\n");
        File.WriteAllText(Path.Combine(root, "peopleDevTrain.txt"), "3\nAnn_A\t3\nBob_B\t1\nDee_D\t1\n");
        File.WriteAllText(Path.Combine(root, "peopleDevTest.txt"), "1\nCid_C\t2\n");
        File.WriteAllText(Path.Combine(root, "pairsDevTrain.txt"), "1\nAnn_A\t1\t2\nAnn_A\t3\tDee_D\t1\n");
        File.WriteAllText(Path.Combine(root, "pairsDevTest.txt"), "1\nCid_C\t1\t2\nCid_C\t1\tBob_B\t1\n");
        return root;
    }
}
