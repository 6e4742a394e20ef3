using Fiqa.Tests;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fiqa.Onnx.Tests;

/// <summary>The ONNX codec (classes generated from Graph/onnx.proto): reading and writing a model keeps what the schema
/// leaves out, gives the runtime the same graph, and writes the same bytes every time.</summary>
public class OnnxGraphCodecTests
{
    public static TheoryData<string> InstalledModels()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(TestData.ModelsRoot, "*.onnx").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    /// <summary>Every installed model, read and written back unchanged (no outputs added), loads and gives the same
    /// outputs bit for bit as the file; writing is deterministic and a second round trip changes nothing.</summary>
    [Theory]
    [MemberData(nameof(InstalledModels))]
    public void RoundTrip_InstalledModel_SameOutputs_DeterministicBytes(string file)
    {
        var original = File.ReadAllBytes(Path.Combine(TestData.ModelsRoot, file));
        var written = OnnxGraph.WithExtraOutputs(original, []);
        Assert.Equal(written, OnnxGraph.WithExtraOutputs(original, []));
        Assert.Equal(written, OnnxGraph.WithExtraOutputs(written, []));
        Assert.Equal(original.Length, written.Length); // nothing dropped: unknown fields are written back

        using var a = new InferenceSession(original);
        using var b = new InferenceSession(written);
        var inputs = a.InputMetadata.Select(kv => NamedOnnxValue.CreateFromTensor(kv.Key, Filled(kv.Value))).ToList();
        using var expected = a.Run(inputs);
        using var actual = b.Run(inputs);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, actual[i].Name);
            Assert.Equal(expected[i].AsEnumerable<float>().ToArray(), actual[i].AsEnumerable<float>().ToArray());
        }
    }

    // A float input of the declared shape (dynamic dimensions as 1) with fixed, varied values.
    private static DenseTensor<float> Filled(NodeMetadata meta)
    {
        Assert.Equal(typeof(float), meta.ElementType);
        var dims = meta.Dimensions.Select(d => d > 0 ? d : 1).ToArray();
        var tensor = new DenseTensor<float>(dims);
        for (int i = 0; i < tensor.Length; i++) tensor.SetValue(i, MathF.Sin(i * 0.013f));
        return tensor;
    }

    /// <summary>Fields the schema does not name — here ModelProto.training_info (20) and GraphProto.sparse_initializer
    /// (15), both in the ONNX specification — survive an edit byte for byte, and the named parts are still read.</summary>
    [Fact]
    public void Edit_KeepsFieldsTheSchemaLeavesOut()
    {
        var model = OnnxGraph.NewModel(13, "x", [1, 4], [new OnnxGraph.NewNode("Relu", ["x"], ["y"])], [], ["y"]);
        byte[] trainingInfo = [0x0A, 0x03, 0x12, 0x01, 0x41]; // opaque payloads: only their bytes are checked
        byte[] sparse = [0x1A, 0x02, 0x08, 0x05];
        // A message field that occurs twice is merged (protobuf encoding rules), so a second ModelProto.graph (7)
        // holding field 15 adds it to the same graph.
        byte[] trainingTag = [0xA2, 0x01]; // (20 << 3) | 2 as a varint
        byte[] extra = [.. trainingTag, (byte)trainingInfo.Length, .. trainingInfo,
            (7 << 3) | 2, (byte)(sparse.Length + 2), (15 << 3) | 2, (byte)sparse.Length, .. sparse];
        byte[] withUnknown = [.. model, .. extra];

        var edited = OnnxGraph.WithExtraOutputs(withUnknown, ["x"]);
        Assert.True(Contains(edited, [.. trainingTag, (byte)trainingInfo.Length, .. trainingInfo]), "ModelProto.training_info was dropped");
        Assert.True(Contains(edited, [(15 << 3) | 2, (byte)sparse.Length, .. sparse]), "GraphProto.sparse_initializer was dropped");
        var node = Assert.Single(OnnxGraph.Nodes(edited));
        Assert.Equal(("Relu", "x", "y"), (node.OpType, node.Inputs[0], node.Outputs[0]));
        Assert.Equal(13, OnnxGraph.Opset(edited));
    }

    /// <summary>A file that is not an ONNX model is a clear configuration error, not a crash.</summary>
    [Fact]
    public void NotAModel_IsAConfigurationError()
    {
        var truncated = Assert.Throws<ModelConfigurationException>(() => OnnxGraph.Nodes([0x3A, 0x10, 0x0A]));
        Assert.StartsWith("corrupt ONNX protobuf", truncated.Message, StringComparison.Ordinal);
        var noGraph = Assert.Throws<ModelConfigurationException>(() => OnnxGraph.Nodes([0x08, 0x07]));
        Assert.Equal("not an ONNX model: no graph", noGraph.Message);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
