using Google.Protobuf;

namespace Fiqa.Onnx;

public static partial class OnnxGraph
{
    /// <summary>The model with the float32 input <paramref name="inputName"/> declared as <paramref name="shape"/> — for a
    /// fully convolutional network (global pooling before its classifier) fed a smaller image than it was exported
    /// for. The graph's intermediate shape annotations (value_info) are dropped: they describe the old size, and the
    /// runtime infers them again.</summary>
    public static byte[] WithInputShape(byte[] model, string inputName, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(inputName);
        ArgumentNullException.ThrowIfNull(shape);
        var proto = Parse(model);
        var graph = proto.Graph;
        graph.ValueInfo.Clear();
        bool replaced = false;
        for (int i = 0; i < graph.Input.Count; i++)
        {
            if (graph.Input[i].Name != inputName) continue;
            graph.Input[i] = FloatValueInfo(inputName, shape);
            replaced = true;
        }
        if (!replaced) throw new ModelConfigurationException($"the model has no graph input named '{inputName}'");
        return proto.ToByteArray();
    }
}
