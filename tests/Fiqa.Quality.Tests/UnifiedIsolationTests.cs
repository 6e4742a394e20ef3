using System.Text.Json;
using Fiqa.Quality.Records;
using Fiqa.Quality.Unified;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>A unified method that throws costs only its own score, as a failing measure does (OFIQ isolates every
/// measure the same way): the components, the other methods and the verdict of the face still stand.</summary>
public class UnifiedIsolationTests
{
    /// <summary>A method whose computation fails on every face (e.g. a user's model hitting a runtime error).</summary>
    private sealed class FailingMethod : IUnifiedQualityMethod
    {
        public UnifiedMethodDescriptor Descriptor { get; } = new("failing", "fails on every face", EmbeddingNorm.Info.Mapping, "a fault injected by the test");

        public MeasureResult Score(FaceContext face) => throw new InvalidOperationException("the model's output was empty");
    }

    /// <summary>A method whose model answers NaN (a degenerate input, a broken export).</summary>
    private sealed class NaNMethod : IUnifiedQualityMethod
    {
        public UnifiedMethodDescriptor Descriptor { get; } = new("nan", "answers NaN", EmbeddingNorm.Info.Mapping, "a fault injected by the test");

        public MeasureResult Score(FaceContext face) => Descriptor.Result(double.NaN);
    }

    [Fact]
    public void MethodAnsweringNaN_IsAFailureToAssess_NotASuccessWithoutAValue()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions
        {
            Measures = ["EyesOpen"], CustomMethods = [new NaNMethod()], DetectRotation = false,
        });
        var score = Assert.Single(assessor.Assess(TestData.File("fixtures/astronaut.jpg")).Faces).UnifiedMethods["nan"];
        Assert.Equal(new MeasureResult(null, -1, MeasureStatus.FailureToAssess, "native value is NaN"), score);
    }

    [Fact]
    public void ThrowingMethod_IsAFailureToAssess_AndEverythingElseStands()
    {
        using var plain = FaceQualityAssessor.Create(new AssessorOptions { UnifiedMethods = ["norm"], Profile = "icao", DetectRotation = false });
        using var withFault = FaceQualityAssessor.Create(new AssessorOptions
        {
            UnifiedMethods = ["norm"], CustomMethods = [new FailingMethod()], Profile = "icao", DetectRotation = false,
        });
        var image = TestData.File("fixtures/astronaut.jpg");
        var expected = plain.Assess(image);
        var r = withFault.Assess(image);

        Assert.Equal(Face.FileStatus.Ok, r.Status);
        var face = Assert.Single(r.Faces);
        Assert.Equal(withFault.Measures.Count, face.Quality.Count);
        Assert.True(withFault.Measures.Count >= 29, $"{withFault.Measures.Count} components");
        foreach (var (id, result) in expected.Faces[0].Quality) Assert.Equal(result, face.Quality[id]);
        Assert.Equal(expected.Faces[0].UnifiedMethods["norm"], face.UnifiedMethods["norm"]);
        Assert.Equal(expected.Faces[0].Verdict!.Codes, face.Verdict!.Codes);

        var failed = face.UnifiedMethods["failing"];
        Assert.Equal(MeasureStatus.FailureToAssess, failed.Status);
        Assert.Equal(-1, failed.Scalar);
        Assert.Equal("InvalidOperationException: the model's output was empty", failed.Reason);

        var record = JsonDocument.Parse(FaceJson.Records(r, includeEmbedding: false).Single()).RootElement.GetProperty("unified");
        Assert.Equal(JsonValueKind.Null, record.GetProperty("failing").GetProperty("raw").ValueKind);
        Assert.Equal("failure_to_assess", record.GetProperty("failing").GetProperty("status").GetString());
        Assert.False(record.GetProperty("norm").TryGetProperty("status", out _));
        var csv = new OfiqCsv(withFault.Measures, withFault.UnifiedMethods, ',').Rows(r).Single();
        Assert.Contains(",,-1,0,ok,", csv, StringComparison.Ordinal); // the failing method's native and scalar, then Face, Status
    }
}
