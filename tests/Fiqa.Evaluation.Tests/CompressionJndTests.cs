using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Evaluation.Tests;

public sealed class CompressionJndTests
{
    private static readonly string[] Faces =
    [
        "dlib/johns/John_Salley/000179_02159509.jpg",
        "dlib/johns/John_Simm/000310_00470511.jpg",
    ];

    private static FaceAnalyzerOptions Pipeline => new() { Paths = TestData.Paths };

    private static void AssertBoundary(JndResult r, CodecDescriptor codec)
    {
        Assert.Equal(JndStatus.Ok, r.Status);
        Assert.True(r.Similarity >= r.RequiredSimilarity, $"chosen {codec.Name} {r.Quality} has cosine {r.Similarity} < {r.RequiredSimilarity}");
        var chosen = r.Steps.Single(s => s.Quality == r.Quality);
        Assert.True(chosen.Accepted);
        if (r.ScaleEndReached)
        {
            Assert.Equal(codec.MinQuality, r.Quality);
        }
        else
        {
            var stronger = r.Steps.Single(s => s.Quality == r.Quality - 1);
            Assert.False(stronger.Accepted, $"{codec.Name} {stronger.Quality} also passes (cosine {stronger.Similarity})");
        }
        Assert.True(r.Encoded!.Length < r.BaselineBytes, $"{codec.Name}: {r.Encoded.Length} bytes, JPEG 75 {r.BaselineBytes}");
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("webp")]
    [InlineData("avif")]
    public void Find_InstalledFaces_PassesThresholdNextStrongerFails_SmallerThanBaseline(string codecName)
    {
        var codec = Codecs.Create(codecName);
        using var jnd = new CompressionJnd(codec, new JndOptions(), Pipeline);
        foreach (var file in Faces)
        {
            var r = jnd.Find(ImageDecoder.Decode(TestData.File(file)));
            AssertBoundary(r, codec.Descriptor);
            // What the search reports is what a recogniser gets from the file.
            var (e, _) = jnd.Analyse(codec.Decode(r.Encoded!));
            var (original, _) = jnd.Analyse(ImageDecoder.Decode(TestData.File(file)));
            Assert.Equal(r.Similarity!.Value, original!.CosineSimilarity(e!), 5);
        }
    }

    [Fact]
    public void Find_SameImageTwice_SameFile()
    {
        var codec = Codecs.Create("webp");
        using var jnd = new CompressionJnd(codec, new JndOptions(), Pipeline);
        var image = ImageDecoder.Decode(TestData.File(Faces[0]));
        var a = jnd.Find(image);
        var b = jnd.Find(image);
        Assert.Equal(a.Quality, b.Quality);
        Assert.Equal(a.Encoded, b.Encoded);
    }

    [Fact]
    public void Find_UnifiedDropBound_HoldsForChosenSetting()
    {
        var codec = Codecs.Create("jpeg");
        using var jnd = new CompressionJnd(codec, new JndOptions { MaxUnifiedDrop = 5 }, Pipeline);
        var r = jnd.Find(ImageDecoder.Decode(TestData.File(Faces[1])));
        Assert.Equal(JndStatus.Ok, r.Status);
        Assert.NotNull(r.UnifiedOriginal);
        Assert.True(r.UnifiedOriginal - r.Unified <= 5, $"unified {r.UnifiedOriginal} → {r.Unified}");
    }

    [Fact]
    public void RequiredSimilarity_DefaultMargin_IsQuarterOfThresholdAngle()
    {
        var o = new JndOptions();
        Assert.Equal(Math.Cos(0.25 * Math.Acos(Verification.DefaultThreshold)), o.RequiredSimilarity, 6);
        Assert.InRange(o.RequiredSimilarity, 0.95, 0.952); // t = 0.31: cos(18.0°)
        Assert.Equal(0.9, new JndOptions { MinSimilarity = 0.9 }.RequiredSimilarity);
    }

    [Fact]
    public void Codecs_UnknownName_ErrorListsValidCodecs()
    {
        var e = Assert.Throws<UnknownNameException>(() => Codecs.Create("png"));
        Assert.Contains("jpeg, webp, avif", e.Message, StringComparison.Ordinal);
        Assert.Contains("'png'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AvifCodec_MissingTool_ErrorSaysHowToInstall()
    {
        var e = Assert.Throws<CodecUnavailableException>(() => new AvifCliCodec(new AvifOptions { Encoder = "/nonexistent/avifenc" }));
        Assert.Contains("provision-codecs.sh", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("webp")]
    [InlineData("avif")]
    public void Codec_LowerQuality_FewerBytes(string name)
    {
        var codec = Codecs.Create(name);
        var image = ImageDecoder.Decode(TestData.File(Faces[0]));
        var d = codec.Descriptor;
        int high = codec.Encode(image, d.MaxQuality - (d.MaxQuality - d.MinQuality) / 4).Length;
        int low = codec.Encode(image, d.MinQuality + (d.MaxQuality - d.MinQuality) / 4).Length;
        Assert.True(low < high, $"{name}: {low} ≥ {high}");
        var decoded = codec.Decode(codec.Encode(image, d.MaxQuality));
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
    }
}
