namespace Fiqa.Imaging.Tests;

public class RankStatisticsTests
{
    [Fact]
    public void Select_GivesTheElementASortWouldPutAtK_WithTiesAndAtTheEnds()
    {
        var random = new Random(7);
        foreach (int n in new[] { 1, 2, 3, 10, 101, 5000 })
        {
            // Few distinct values (many ties), then continuous ones.
            foreach (bool ties in new[] { true, false })
            {
                var values = Enumerable.Range(0, n).Select(_ => ties ? random.Next(5) * 0.5f : (float)random.NextDouble() * 100 - 50).ToArray();
                var sorted = values.Order().ToArray();
                foreach (int k in new[] { 0, n / 2, n - 1 }.Distinct())
                    Assert.Equal(sorted[k], RankStatistics.Select((float[])values.Clone(), k));
            }
        }
        // Already sorted and reversed inputs (a naive pivot's worst case) still give the median.
        var ascending = Enumerable.Range(0, 10001).Select(i => (float)i).ToArray();
        Assert.Equal(5000f, RankStatistics.Select(ascending, 5000));
        Assert.Equal(5000f, RankStatistics.Select(ascending.Reverse().ToArray(), 5000));
        Assert.Throws<ArgumentOutOfRangeException>(() => RankStatistics.Select(new float[3], 3));
    }
}
