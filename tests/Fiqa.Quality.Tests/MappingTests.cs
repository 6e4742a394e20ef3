using Fiqa.Quality;
using Fiqa.Quality.Measures;

namespace Fiqa.Quality.Tests;

/// <summary>Every mapping reproduces OFIQ's formula (OFIQ v1.0.3, OFIQlib/modules/measures, and ISO/IEC 29794-5 Annex mappings) on fixed native values; expected
/// scalars computed by hand.</summary>
public class MappingTests
{
    private static int Scalar(MeasureDescriptor d, double x) => d.Mapping.ToScalar(x);

    [Theory]
    [InlineData(70, 50)]   // x = x0
    [InlineData(90, 73)]   // 100·σ(1) = 73.1
    [InlineData(30, 12)]   // 100·σ(−2) = 11.9
    public void InterEyeDistance_Sigmoid70_20(double x, int expected) => Assert.Equal(expected, Scalar(InterEyeDistance.Descriptor, x));

    [Theory]
    [InlineData(0.0, 100)]   // 120·(0.832 − σ(−18.4)) = 99.84
    [InlineData(0.92, 40)]   // 120·(0.832 − 0.5) = 39.84
    [InlineData(1.0, 0)]     // 120·(0.832 − σ(1.6)) = 120·(0.832 − 0.832) ≈ 0
    public void UnderExposurePrevention_OfiqParameters(double x, int expected) => Assert.Equal(expected, Scalar(UnderExposurePrevention.Descriptor, x));

    [Theory]
    [InlineData(0.08, 50)]   // σ(0)·(1 − σ(−13.4)) = 0.49999
    [InlineData(0.2, 100)]   // σ(6)·(1 − σ(−11)) = 0.99751
    [InlineData(0.5, 99)]    // σ(21)·(1 − σ(−5)) = 0.99331
    [InlineData(0.8, 27)]    // 1 − σ(1) = 0.2689
    [InlineData(0.05, 18)]   // σ(−1.5) = 0.1824
    public void LuminanceMean_DoubleSigmoid(double x, int expected) => Assert.Equal(expected, Scalar(LuminanceMean.Descriptor, x));

    [Theory]
    [InlineData(1 / 60.0, 100)]   // sin(π/2)
    [InlineData(0.0, 0)]
    [InlineData(0.05, 71)]        // sin(π·3/4) = 0.7071
    public void LuminanceVariance_Sine(double x, int expected) => Assert.Equal(expected, Scalar(LuminanceVariance.Descriptor, x));

    [Theory]
    [InlineData(0.0, 100)]
    [InlineData(0.09, 10)]
    [InlineData(-0.005, 100)]   // 200 clamped
    public void OverExposurePrevention_Reciprocal(double x, int expected) => Assert.Equal(expected, Scalar(OverExposurePrevention.Descriptor, x));

    [Theory]
    [InlineData(8.0, 100)]
    [InlineData(4.0, 50)]
    [InlineData(4.04, 51)]   // 50.5 → 51
    public void DynamicRange_Linear(double x, int expected) => Assert.Equal(expected, Scalar(DynamicRange.Descriptor, x));

    [Theory]
    [InlineData(1.0, 100)]
    [InlineData(0.1, 50)]    // 100·0.1^0.3 = 50.1
    public void IlluminationUniformity_Power(double x, int expected) => Assert.Equal(expected, Scalar(IlluminationUniformity.Descriptor, x));

    [Theory]
    [InlineData(0.0, 100)]   // 200·(1 − 0.5)
    [InlineData(10.0, 54)]   // 200·(1 − σ(1)) = 53.8
    public void NaturalColour_InvertedSigmoid(double x, int expected) => Assert.Equal(expected, Scalar(NaturalColour.Descriptor, x));

    [Fact]
    public void NaturalColour_Distance_MatchesDefinition()
    {
        Assert.Equal(0, NaturalColour.Distance(15, 20));
        Assert.Equal(Math.Sqrt(50), NaturalColour.Distance(0, 0), 12);   // grey: 5 below both boxes
        Assert.Equal(5, NaturalColour.Distance(30, 20), 12);
    }

    [Theory]
    [InlineData(0.0, 100)]
    [InlineData(60.0, 25)]
    [InlineData(-60.0, 25)]
    [InlineData(120.0, 0)]
    public void HeadPose_CosineSquared(double degrees, int expected)
    {
        Assert.Equal(expected, Scalar(HeadPoseYaw.Descriptor, degrees));
        Assert.Equal(expected, Scalar(HeadPoseRoll.Descriptor, degrees));
    }

    [Theory]
    [InlineData(0.45, 100)]
    [InlineData(0.50, 54)]
    [InlineData(0.40, 54)]
    public void HeadSize_AbsoluteDeviation(double x, int expected) => Assert.Equal(expected, Scalar(HeadSize.Descriptor, x));

    [Theory]
    [InlineData(0.2, 50)]
    [InlineData(0.0, 97)]   // 100·(1 − σ(−3.33)) = 96.6
    public void MouthClosed_Inverted(double x, int expected) => Assert.Equal(expected, Scalar(MouthClosed.Descriptor, x));

    [Theory]
    [InlineData(1.4, 50)]
    [InlineData(1.5, 73)]
    public void MarginAbove_Sigmoid(double x, int expected) => Assert.Equal(expected, Scalar(MarginAboveOfTheFaceImage.Descriptor, x));

    [Fact]
    public void ToScalar_RoundsHalfAwayFromZero_AndClamps()
    {
        Assert.Equal(51, new SigmoidMapping(0, 1, H: 101).ToScalar(0));   // 50.5
        Assert.Equal(100, new SigmoidMapping(0, 1, H: 300).ToScalar(5));
        Assert.Equal(0, new SigmoidMapping(0, 1, H: 100, A: -1).ToScalar(0));
        Assert.Equal(-1, MeasureResult.Failure("x").Scalar);
    }

    [Fact]
    public void Catalogue_HasEveryOfiqComponent_UniqueIds_CreatableByName()
    {
        string[] ofiq =
        [
            "UnifiedQualityScore", "BackgroundUniformity", "IlluminationUniformity", "LuminanceMean", "LuminanceVariance",
            "UnderExposurePrevention", "OverExposurePrevention", "DynamicRange", "Sharpness", "CompressionArtifacts", "NaturalColour",
            "SingleFacePresent", "EyesOpen", "MouthClosed", "EyesVisible", "MouthOcclusionPrevention", "FaceOcclusionPrevention",
            "InterEyeDistance", "HeadSize", "LeftwardCropOfTheFaceImage", "RightwardCropOfTheFaceImage", "MarginAboveOfTheFaceImage",
            "MarginBelowOfTheFaceImage", "HeadPoseYaw", "HeadPosePitch", "HeadPoseRoll", "ExpressionNeutrality", "NoHeadCoverings",
        ];
        var ids = MeasureCatalogue.All.Select(d => d.Name).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ofiq, id => Assert.Contains(id, ids));
        Assert.Contains("Liveness", ids);
        Assert.All(ids, id => Assert.Equal(id, MeasureCatalogue.Find(id.ToLowerInvariant()).Descriptor.Name));
        var e = Assert.Throws<UnknownNameException>(() => MeasureCatalogue.Find("EyeOpen"));
        Assert.Contains("did you mean 'EyesOpen'?", e.Message);
        Assert.Contains("Valid: UnifiedQualityScore, BackgroundUniformity", e.Message);
    }
}
