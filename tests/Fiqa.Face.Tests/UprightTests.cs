using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Face.Tests;

/// <summary>Every turned copy of a detectable installed portrait is found turned, by the right angle, and the upright
/// original is not.</summary>
public class UprightTests(FaceModelsFixture models) : IClassFixture<FaceModelsFixture>
{
    public static TheoryData<string> Portraits()
    {
        // The franck stills, the astronaut, and John_Schneider (two of his upside-down copies were missed by the
        // embedding-norm ratio alone).
        var files = Directory.GetFiles(TestData.File("franck"), "*.jpg")
            .Concat(Directory.GetFiles(TestData.File("dlib/johns/John_Schneider"), "*.jpg"))
            .Append(TestData.File("skimage/astronaut.png"));
        return [.. files.Select(f => Path.GetRelativePath(TestData.File("."), f)).Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(Portraits))]
    public void FindUpright_TurnedCopies_FoundTurnedByTheirAngle(string file)
    {
        var upright = ImageDecoder.Decode(TestData.File(file));
        Assert.Equal(0, models.Primary.FindUpright(upright).Rotation);
        foreach (int rotation in new[] { 90, 180, 270 })
        {
            // Turning the content clockwise by N is the inverse of the upright turn for N.
            var turned = Orientation.Apply(upright, FaceAnalyzer.UprightTurn((360 - rotation) % 360));
            Assert.True(models.Primary.FindUpright(turned).Rotation == rotation, $"{file} turned {rotation}° was not found turned");
        }
    }
}
