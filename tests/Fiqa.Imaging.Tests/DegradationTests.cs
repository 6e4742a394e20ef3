using Fiqa.Tests;

namespace Fiqa.Imaging.Tests;

/// <summary>The seeded degradations: deterministic bytes, and each kind's own quantity moves with the level.</summary>
public class DegradationTests
{
    private static readonly RgbImage Face = ImageDecoder.Decode(TestData.File("dlib/johns/John_Simm/000288_00470387.jpg"));

    private static double MeanAbsLaplacian(RgbImage image)
    {
        var grey = Colour.LuminancePlane(image);
        return Filters.Laplacian(grey).Values.Average(Math.Abs);
    }

    private static double Mean(RgbImage image) => image.Pixels.Average(b => (double)b);

    private static double MeanAbsDifference(RgbImage a, RgbImage b) => a.Pixels.Zip(b.Pixels, (x, y) => Math.Abs(x - y)).Average();

    [Fact]
    public void EveryKindAndLevel_IsDeterministic_AndKeepsTheSize()
    {
        foreach (var kind in Degradation.AllKinds)
            for (int level = 1; level <= Degradation.MaxLevel; level++)
            {
                var a = Degradation.Apply(Face, kind, level, seed: 7);
                var b = Degradation.Apply(Face, kind, level, seed: 7);
                Assert.Equal((Face.Width, Face.Height), (a.Width, a.Height));
                Assert.True(a.Pixels.AsSpan().SequenceEqual(b.Pixels), $"{kind} {level} differs between runs");
                Assert.Equal(kind, Degradation.Parse(Degradation.Name(kind)));
            }
        Assert.Contains("known:", Assert.Throws<ArgumentException>(() => Degradation.Parse("fog")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Degradation.Apply(Face, DegradationKind.Blur, 6, 1));
    }

    [Fact]
    public void Levels_AreOrderedBySeverity()
    {
        double[] Series(Func<RgbImage, double> f, DegradationKind kind) =>
            Enumerable.Range(1, Degradation.MaxLevel).Select(l => f(Degradation.Apply(Face, kind, l, seed: 3))).ToArray();
        static void Falling(double[] v, string what)
        {
            for (int i = 1; i < v.Length; i++) Assert.True(v[i] < v[i - 1], $"{what}: {string.Join(", ", v.Select(x => x.ToString("F3")))}");
        }
        Falling(Series(MeanAbsLaplacian, DegradationKind.Blur), "blur: edge energy");
        Falling(Series(MeanAbsLaplacian, DegradationKind.Downscale), "downscale: edge energy");
        Falling(Series(Mean, DegradationKind.LowLight), "low light: mean level");
        Falling(Series(img => -MeanAbsDifference(img, Face), DegradationKind.Noise), "noise: distance to the original");
        Falling(Series(img => -MeanAbsDifference(img, Face), DegradationKind.Jpeg), "JPEG: distance to the original");
        Falling(Series(img => -img.Pixels.Zip(Face.Pixels, (x, y) => x != y ? 1.0 : 0).Average(), DegradationKind.Occlusion), "occlusion: changed share");
    }

    [Fact]
    public void Seed_ChangesNoiseAndOcclusion_ButNotBlur()
    {
        Assert.False(Degradation.Apply(Face, DegradationKind.Noise, 2, 1).Pixels.AsSpan().SequenceEqual(Degradation.Apply(Face, DegradationKind.Noise, 2, 2).Pixels));
        Assert.True(Degradation.Apply(Face, DegradationKind.Blur, 2, 1).Pixels.AsSpan().SequenceEqual(Degradation.Apply(Face, DegradationKind.Blur, 2, 2).Pixels));
    }
}
