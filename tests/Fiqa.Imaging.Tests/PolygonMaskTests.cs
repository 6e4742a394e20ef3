using System.Numerics;

namespace Fiqa.Imaging.Tests;

public class PolygonMaskTests
{
    // Pixel centre (x + 0.5, y + 0.5) inside by the even-odd rule, tested edge by edge: what Fill must reproduce (the
    // shapes keep their edges off pixel centres, where the two conventions for a centre on an edge differ).
    private static bool Inside(ReadOnlySpan<Vector2> polygon, float px, float py)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            var a = polygon[i];
            var b = polygon[j];
            if ((a.Y > py) != (b.Y > py) && px < a.X + (py - a.Y) / (b.Y - a.Y) * (b.X - a.X)) inside = !inside;
        }
        return inside;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Fill_MatchesTheEvenOddRuleAtPixelCentres_AndExtentSpansItsFirstToLastPixel(int shape)
    {
        Vector2[] polygon = shape switch
        {
            0 => [new(10.2f, 5.7f), new(30.9f, 8.1f), new(25.3f, 28.6f), new(12.1f, 22.4f)],   // a quadrilateral inside
            1 => [new(-5f, -3f), new(20.7f, 2.3f), new(44f, 41f), new(3.3f, 50f)],              // crossing the borders
            _ => [new(5.1f, 5.1f), new(35.2f, 5.1f), new(20.1f, 30.1f), new(35.2f, 30.1f), new(5.1f, 30.1f), new(20.1f, 5.6f)], // self-crossing
        };
        const int width = 40, height = 36;
        var mask = PolygonMask.Fill(polygon, width, height);
        int first = -1, last = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                bool expected = Inside(polygon, x + 0.5f, y + 0.5f);
                Assert.True(expected == mask[y * width + x], $"pixel ({x}, {y}): expected {(expected ? "inside" : "outside")}");
                if (expected) { if (first < 0) first = y * width + x; last = y * width + x; }
            }
        Assert.True(first >= 0, "the shape covers pixels");
        Assert.Equal((first, last + 1), PolygonMask.Extent(mask));
    }

    [Fact]
    public void Extent_EmptyMask_IsEmpty()
    {
        Assert.Equal((0, 0), PolygonMask.Extent(new bool[100]));
        Assert.Equal((0, 0), PolygonMask.Extent(PolygonMask.Fill([new(50f, 50f), new(60f, 50f), new(55f, 60f)], 20, 20))); // off the grid
    }
}
