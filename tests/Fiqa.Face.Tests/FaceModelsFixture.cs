using Fiqa.Face;

namespace Fiqa.Face.Tests;

/// <summary>One pipeline with every model loaded, shared by the tests of a class (sessions are thread-safe).</summary>
public sealed class FaceModelsFixture : IDisposable
{
    public FaceAnalyzer AllFaces { get; } = new(new FaceAnalyzerOptions { AllFaces = true });
    public FaceAnalyzer Primary { get; } = new(new FaceAnalyzerOptions());

    public void Dispose()
    {
        AllFaces.Dispose();
        Primary.Dispose();
    }
}
