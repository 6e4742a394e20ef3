using System.Collections.Immutable;

namespace Fiqa.Quality.Unified;

/// <summary>The quality head's parameters as one immutable value, as the head file stores them: per-input
/// standardisation (mean and 1 / standard deviation), the hidden layer (<see cref="W1"/>, <see cref="B1"/>) with the
/// tanh-form GELU, and the output layer (<see cref="W2"/>, <see cref="B2"/>) into which any output rescale is folded.
/// The trainer builds one from its own buffers, <see cref="QualityHead"/> runs one; equality compares the values.</summary>
public sealed record QualityHeadWeights
{
    /// <summary>The activation name the head file carries; the only one this build knows.</summary>
    public const string Activation = "gelu-tanh";

    /// <summary>Checks the shapes: <paramref name="inputMean"/> and <paramref name="inputScale"/> one value per input,
    /// <paramref name="w1"/> hidden × input (row-major, one row per hidden unit), <paramref name="b1"/> and
    /// <paramref name="w2"/> one value per hidden unit.</summary>
    public QualityHeadWeights(ImmutableArray<float> inputMean, ImmutableArray<float> inputScale, ImmutableArray<float> w1,
        ImmutableArray<float> b1, ImmutableArray<float> w2, float b2)
    {
        int inputs = inputMean.IsDefault ? 0 : inputMean.Length, hidden = b1.IsDefault ? 0 : b1.Length;
        if (inputs == 0 || hidden == 0) throw new ArgumentException("the head needs at least one input and one hidden unit");
        if (inputScale.IsDefault || inputScale.Length != inputs) throw new ArgumentException($"input_scale: expected {inputs} values (one per input)", nameof(inputScale));
        if (w1.IsDefault || w1.Length != hidden * inputs) throw new ArgumentException($"w1: expected {hidden} × {inputs} values", nameof(w1));
        if (w2.IsDefault || w2.Length != hidden) throw new ArgumentException($"w2: expected {hidden} values (one per hidden unit)", nameof(w2));
        InputMean = inputMean;
        InputScale = inputScale;
        W1 = w1;
        B1 = b1;
        W2 = w2;
        B2 = b2;
    }

    /// <summary>Zero weights of the given shape: an untrained head (its output is 0), for checking a head's inputs before
    /// any training.</summary>
    public static QualityHeadWeights Zero(int inputs, int hidden) =>
        new([.. new float[inputs]], [.. new float[inputs]], [.. new float[hidden * inputs]], [.. new float[hidden]], [.. new float[hidden]], 0);

    /// <summary>Inputs the head reads.</summary>
    public int InputSize => InputMean.Length;
    /// <summary>Hidden units.</summary>
    public int HiddenSize => B1.Length;
    /// <summary>Per-input mean of the training set (subtracted before <see cref="InputScale"/>).</summary>
    public ImmutableArray<float> InputMean { get; }
    /// <summary>Per-input 1 / standard deviation of the training set.</summary>
    public ImmutableArray<float> InputScale { get; }
    /// <summary>Hidden layer weights, <see cref="HiddenSize"/> rows of <see cref="InputSize"/>.</summary>
    public ImmutableArray<float> W1 { get; }
    /// <summary>Hidden layer biases.</summary>
    public ImmutableArray<float> B1 { get; }
    /// <summary>Output layer weights, one per hidden unit.</summary>
    public ImmutableArray<float> W2 { get; }
    /// <summary>Output bias.</summary>
    public float B2 { get; }

    /// <summary>The same head with its output mapped affinely so that <paramref name="min"/> becomes 0 and
    /// <paramref name="max"/> 1, folded into the output layer so the head stays one MLP.</summary>
    public QualityHeadWeights WithOutputRange(double min, double max)
    {
        if (!(max > min)) throw new ArgumentOutOfRangeException(nameof(max), $"the output range {min:G4}..{max:G4} is empty");
        double span = max - min;
        var w2 = new float[HiddenSize];
        for (int j = 0; j < w2.Length; j++) w2[j] = (float)(W2[j] / span);
        return new QualityHeadWeights(InputMean, InputScale, W1, B1, [.. w2], (float)((B2 - min) / span));
    }

    // GELU, tanh form (Hendrycks & Gimpel 2016): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    internal const float GeluScale = 0.7978845608f, GeluCubic = 0.044715f;

    /// <summary>The hidden layer's activation (<see cref="Activation"/>), for code that runs the same MLP on its own buffers.</summary>
    public static float Gelu(float x) => 0.5f * x * (1 + MathF.Tanh(GeluScale * (x + GeluCubic * x * x * x)));

    /// <inheritdoc/>
    public bool Equals(QualityHeadWeights? other) =>
        other is not null && B2.Equals(other.B2) && InputMean.AsSpan().SequenceEqual(other.InputMean.AsSpan()) && InputScale.AsSpan().SequenceEqual(other.InputScale.AsSpan())
        && W1.AsSpan().SequenceEqual(other.W1.AsSpan()) && B1.AsSpan().SequenceEqual(other.B1.AsSpan()) && W2.AsSpan().SequenceEqual(other.W2.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(InputSize, HiddenSize, B2);
}
