using Fiqa.Evaluation;
using Fiqa.Tests;

using Fiqa.Quality;

namespace Fiqa.Evaluation.Tests;

/// <summary>The capture components on the degradation ladders, over the held-out identities' portraits (the mappings
/// were set on the calibration identities): each falls along its own ladder and stays put under the others.</summary>
public class ComponentLadderTests
{
    private static readonly Lazy<IReadOnlyList<ComponentLadder>> Results = new(() =>
    {
        // Every third held-out portrait keeps the test to a minute on two cores.
        var portraits = ComponentLadders.InstalledPortraits(TestData.DataRoot, "held-out").Where((_, i) => i % 3 == 0).ToList();
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ComponentLadders.OwnLadders.Keys.ToList() });
        return ComponentLadders.Run(assessor, portraits, threads: 2);
    });

    private static ComponentLadder Of(string id) => Results.Value.Single(r => r.Component == id);

    // Sharpness alone over all 33 held-out portraits, for the share that issue 33 sets a bar on: with a third of them
    // one portrait moves the share by 9 points.
    private static readonly Lazy<ComponentLadder> SharpnessOnEveryHeldOutPortrait = new(() =>
    {
        var portraits = ComponentLadders.InstalledPortraits(TestData.DataRoot, "held-out");
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["Sharpness"] });
        return ComponentLadders.Run(assessor, portraits, threads: 2).Single(r => r.Component == "Sharpness");
    });

    [Theory]
    [InlineData("Sharpness", "blur")]
    [InlineData("Sharpness", "motion")]
    [InlineData("Sharpness", "lowres")]
    [InlineData("CompressionArtifacts", "jpeg")]
    [InlineData("LuminanceMean", "dark")]
    [InlineData("UnderExposurePrevention", "dark")]
    [InlineData("OverExposurePrevention", "bright")]
    public void Component_SpansTheScale_OnItsOwnLadder(string component, string ladder)
    {
        var r = Of(component);
        Assert.True(r.Images >= 5, $"{component}: only {r.Images} portraits measured");
        Assert.InRange(r.CleanMedian, 80, 100);
        Assert.InRange(r.SevereMedian[ladder], 0, 30);
        Assert.True(r.RightWayShare >= 0.85, $"{component}: {r.RightWayShare:P0} of steps the right way");
    }

    [Theory]
    [InlineData("Sharpness", "noise")]
    [InlineData("Sharpness", "jpeg")]
    [InlineData("Sharpness", "dark")]
    [InlineData("Sharpness", "bright")]
    [InlineData("CompressionArtifacts", "blur")]
    [InlineData("CompressionArtifacts", "motion")]
    [InlineData("CompressionArtifacts", "noise")]
    [InlineData("CompressionArtifacts", "lowres")]
    [InlineData("LuminanceMean", "blur")]
    [InlineData("LuminanceMean", "noise")]
    [InlineData("LuminanceMean", "jpeg")]
    public void Component_StaysPut_UnderAnotherLadder(string component, string ladder) =>
        Assert.InRange(Of(component).OtherLadderShift[ladder], 0, 10);

    [Fact]
    public void Sharpness_FallsBy15_UnderSixPixelsOfMotion_OnMostPortraits()
    {
        // Issue 33: a 6-px horizontal smear must lower Sharpness by ≥ 15 on ≥ 85 % of unseen portraits; measured 88 % on
        // all 33 held-out portraits (docs/measures.md). The isotropic Laplacian alone reached 42 %.
        var r = SharpnessOnEveryHeldOutPortrait.Value;
        Assert.True(r.DropShare["motion"] >= 0.85, $"{r.DropShare["motion"]:P0} of portraits fell by ≥ 15 at motion 6 px");
    }

    [Fact]
    public void NoiseNeverRaisesSharpness_AndBlurNeverRaisesCompressionArtifacts()
    {
        var sharp = Of("Sharpness");
        Assert.All(sharp.StepMedians["noise"], m => Assert.True(m <= sharp.CleanMedian + 5, $"noise raised Sharpness to {m}"));
        var ca = Of("CompressionArtifacts");
        Assert.All(ca.StepMedians["blur"], m => Assert.True(m <= ca.CleanMedian + 5));
    }
}
