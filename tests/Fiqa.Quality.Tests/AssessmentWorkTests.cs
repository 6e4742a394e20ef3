using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Quality.Tests;

/// <summary>Work not done, verified by counting (issue 34): model passes and shared intermediates per assessed image, on
/// the installed astronaut portrait (one upright face, so no rotation probe runs).</summary>
public class AssessmentWorkTests(ITestOutputHelper output)
{
    private static readonly RgbImage Astronaut = ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));

    private AssessmentWork Count(AssessorOptions options)
    {
        using var assessor = FaceQualityAssessor.Create(options);
        var work = AssessmentWork.Count(assessor, Astronaut, "astronaut");
        Assert.Single(work.Assessment.Faces);
        output.WriteLine(string.Join(", ", work.ModelRuns.Concat(work.Intermediates).Select(c => $"{c.Name}={c.Count}")));
        return work;
    }

    [Fact]
    public void NormSerfiqDistilledWithEyesOpen_OneEmbedderPassOneDetectionTwoEyePasses()
    {
        var work = Count(new AssessorOptions { Measures = ["EyesOpen"], UnifiedMethods = ["norm", "serfiq", "distilled"] });
        Assert.Equal(1, work.Runs("fr_detect"));
        Assert.Equal(3, work.Runs("fr_landmark")); // the detector's box, then the refinement box and its mirror
        Assert.Equal(1, work.Runs("fr_feature"));
        Assert.Equal(2, work.Runs("fr_eye")); // one pass per eye
        // Nothing EyesOpen and the three methods do not read.
        foreach (var model in new[] { "fr_pose", "fr_liveness", "fr_expression" }) Assert.Equal(0, work.Runs(model));
        Assert.Equal(1, work.Computed(WorkCounters.Names.AlignedCrop));
        Assert.Equal(1, work.Computed(WorkCounters.Names.CanonicalPortrait));
    }

    [Fact]
    public void MeasuresWithoutExpressionNeutrality_NoExpressionPass()
    {
        var ids = MeasureCatalogue.Entries.Select(e => e.Name).Where(n => n != "ExpressionNeutrality").ToList();
        var without = Count(new AssessorOptions { Measures = ids });
        Assert.Equal(0, without.Runs("fr_expression"));
        Assert.DoesNotContain("ExpressionNeutrality", without.Assessment.Quality.Keys);
        var with = Count(new AssessorOptions { Measures = ["ExpressionNeutrality"] });
        Assert.Equal(1, with.Runs("fr_expression")); // the face alone (no mirror averaging by default)
    }

    [Fact]
    public void DefaultAssessment_EveryModelOnceAndEverySharedIntermediateOnce()
    {
        var work = Count(new AssessorOptions());
        Assert.Equal(1, work.Runs("fr_detect"));
        Assert.Equal(3, work.Runs("fr_landmark")); // the detector's box, then the refinement box and its mirror
        Assert.Equal(1, work.Runs("fr_feature"));
        Assert.Equal(1, work.Runs("fr_pose"));
        Assert.Equal(1, work.Runs("fr_liveness"));
        Assert.Equal(2, work.Runs("fr_eye"));
        Assert.Equal(1, work.Runs("fr_expression"));
        // Each shared intermediate (the crops, the luminance plane, the skin model, the memoised zones …) once per
        // face; region masks are the only repeated item, one per distinct zone: the face outline, two eye zones, the
        // mouth, its opening, the forehead, two cheeks (filled three times each before they were shared),
        // EyesVisible's band and cheek box per eye, and Sharpness's inset face outline.
        var repeated = work.Intermediates.Where(c => c.Name != WorkCounters.Names.RegionMask && c.Count != 1).ToList();
        Assert.True(repeated.Count == 0, "computed more than once: " + string.Join(", ", repeated));
        Assert.Equal(1, work.Computed(WorkCounters.Names.CanonicalPortrait));
        Assert.Equal(1, work.Computed("SkinModel"));
        Assert.Equal(1, work.Computed("zone.cheek.image_left"));
        Assert.Equal(13, work.Computed(WorkCounters.Names.RegionMask));
    }
}
