using System.Security.Cryptography;
using System.Text.Json;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>One run of the embedder's cosine-gradient graph: the embedding of the input, its cosine similarity to the
/// reference, and ∂(1 − cos)/∂input in the model's input tensor layout (NCHW, normalised units).</summary>
public sealed record CosineGradientPass(float[] RawEmbedding, double Cosine, float[] InputGradient);

/// <summary>The embedder extended with the gradient of the loss 1 − cos(e(x), reference) with respect to its input x,
/// built by <see cref="InputGradientGraph"/> from the model file and opened once through the session registry. With a
/// derived-models folder the built graph is also written there (never into the models folder) beside a JSON record of
/// its SHA-256 and the source model's, so the exact graph that produced a figure can be inspected.</summary>
public sealed class EmbedderCosineGradient
{
    /// <summary>Bumped whenever the builder's rules change, so a cached derived model is rebuilt.</summary>
    public const int BuilderVersion = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly OnnxModel _model;

    /// <summary>Opens (building on first use) the cosine-gradient graph of embedder <paramref name="model"/>.</summary>
    /// <param name="registry">The pipeline's sessions.</param>
    /// <param name="model">The embedder's model name.</param>
    /// <param name="derivedDirectory">Where to write the derived graph and its record; null: build in memory only.</param>
    public EmbedderCosineGradient(SessionRegistry registry, string model, string? derivedDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(model);
        Manifest = registry.Manifest(model);
        var spec = Manifest.Input;
        long[] inputShape = [1, spec.ChannelCount, spec.Height, spec.Width];
        var variant = new SessionVariant("cosine-gradient", [], [InputGradientGraph.CosineOutput, InputGradientGraph.InputGradientOutput])
        {
            Derive = bytes =>
            {
                var derived = InputGradientGraph.CosineLoss(bytes, spec.Name, inputShape, Manifest.Outputs[0]);
                if (derivedDirectory is not null) DerivedPath = Record(derivedDirectory, bytes, derived);
                DerivedSha256 = Convert.ToHexStringLower(SHA256.HashData(derived));
                return derived;
            },
        };
        _model = registry.Open(model, variant);
    }

    /// <summary>The embedder's manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>SHA-256 of the derived graph as built by this instance; null when another instance on the same registry
    /// built the shared session first (its record is then the one written).</summary>
    public string? DerivedSha256 { get; private set; }

    /// <summary>Where this instance wrote the derived graph (null: not written by it).</summary>
    public string? DerivedPath { get; private set; }

    /// <summary>Embedding, cosine to <paramref name="reference"/> (any norm) and the loss gradient at input tensor
    /// <paramref name="input"/>.</summary>
    public CosineGradientPass Run(float[] input, float[] reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var outputs = _model.RunWith(input, [(InputGradientGraph.TargetInput, reference, [1, reference.Length])]);
        return new CosineGradientPass(outputs[0], outputs[1][0], outputs[2]);
    }

    private static string Record(string directory, byte[] source, byte[] derived)
    {
        Directory.CreateDirectory(directory);
        string sourceSha = Convert.ToHexStringLower(SHA256.HashData(source));
        string derivedSha = Convert.ToHexStringLower(SHA256.HashData(derived));
        string stem = Path.Combine(directory, $"{sourceSha[..16]}.cosine-gradient.v{BuilderVersion}");
        string path = stem + ".onnx";
        // Written to a temporary name and moved, so a concurrent reader never sees half a file.
        if (!File.Exists(path) || !string.Equals(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), derivedSha, StringComparison.Ordinal))
        {
            string tmp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(tmp, derived);
            File.Move(tmp, path, overwrite: true);
        }
        var record = new { source_sha256 = sourceSha, derived_sha256 = derivedSha, builder_version = BuilderVersion, loss = "1 - cos(e(x), target)" };
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(record, Indented));
        return path;
    }
}
