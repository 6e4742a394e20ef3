using Fiqa.Tests;

namespace Fiqa.Evaluation.Tests;

/// <summary>LFW's protocol files as the dataset's README describes them (View 2: folds of people and of pairs; View 1:
/// one development split), written small here so each rule is visible.</summary>
public class LfwProtocolTests
{
    [Fact]
    public void Load_ReadsFoldsPairsAndView1()
    {
        var lfw = LfwProtocol.Load(LfwProtocolFiles.Write());
        Assert.Equal(2, lfw.Folds.Count);
        Assert.Equal([("Ann_A", 3), ("Bob_B", 1)], lfw.Folds[0]);
        Assert.Equal(2, lfw.FoldOf()["Dee_D"]);
        Assert.Equal(4, lfw.Pairs.Count);
        Assert.Equal(new LfwPair("Ann_A/Ann_A_0001", "Ann_A/Ann_A_0003", true, 1), lfw.Pairs[0]);
        Assert.Equal(new LfwPair("Cid_C/Cid_C_0002", "Dee_D/Dee_D_0001", false, 2), lfw.Pairs[3]);
        Assert.Equal(["Cid_C"], lfw.DevTestPeople.Select(p => p.Name));
        Assert.Equal(3, lfw.DevTrainPeople.Count);
        Assert.Equal(2, lfw.DevTestPairs.Count);
        Assert.All(lfw.DevTestPairs, p => Assert.Equal(0, p.Fold));
        Assert.Equal(["Ann_A/Ann_A_0001", "Ann_A/Ann_A_0002", "Ann_A/Ann_A_0003", "Bob_B/Bob_B_0001"], LfwProtocol.Images(lfw.Folds[0]));
    }

    [Fact]
    public void Load_BadFiles_NameTheFileAndLine()
    {
        var bad = Assert.Throws<InvalidDataException>(() => LfwProtocol.Load(LfwProtocolFiles.Write("2\t1\nAnn_A\t1\t3\nAnn_A\t2\tBob_B\t1\textra\n")));
        Assert.Contains("pairs.txt:3", bad.Message);
        var count = Assert.Throws<InvalidDataException>(() => LfwProtocol.Load(LfwProtocolFiles.Write("2\t1\nAnn_A\t1\t3\n")));
        Assert.Contains("1 pairs, the header announces 4", count.Message);
        var root = LfwProtocolFiles.Write();
        File.Delete(Path.Combine(root, "peopleDevTest.txt"));
        Assert.Contains("peopleDevTest.txt", Assert.Throws<FileNotFoundException>(() => LfwProtocol.Load(root)).Message);
        Assert.Contains("no image folder", Assert.Throws<DirectoryNotFoundException>(() => LfwProtocol.Load(LfwProtocolFiles.Write()).ImageRoot).Message);
    }

    /// <summary>The real protocol: every View 2 pair lies within one fold's people — what cross-fitting by folds relies
    /// on (a head trained on the other folds never saw either person of a pair).</summary>
    [Fact]
    public void SharedLfw_PairsStayWithinTheirFold_AndViewsCoverEveryPerson()
    {
        var lfw = LfwProtocol.Load(TestData.Shared("datasets/lfw"));
        Assert.Equal(10, lfw.Folds.Count);
        Assert.Equal(5749, lfw.Folds.Sum(f => f.Count));
        Assert.Equal(13233, lfw.Folds.Sum(f => f.Sum(p => p.Images)));
        Assert.Equal(6000, lfw.Pairs.Count);
        Assert.Equal(3000, lfw.Pairs.Count(p => p.Mated));
        var fold = lfw.FoldOf();
        static string Person(string image) => image[..image.IndexOf('/', StringComparison.Ordinal)];
        Assert.All(lfw.Pairs, p => Assert.True(fold[Person(p.ImageA)] == p.Fold && fold[Person(p.ImageB)] == p.Fold, $"{p} crosses folds"));
        Assert.Equal(5749, lfw.DevTrainPeople.Count + lfw.DevTestPeople.Count);
        Assert.Empty(lfw.DevTrainPeople.Select(p => p.Name).Intersect(lfw.DevTestPeople.Select(p => p.Name)));
        Assert.True(Directory.Exists(Path.Combine(lfw.ImageRoot, "George_W_Bush")));
    }
}
