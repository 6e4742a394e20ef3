using System.Text;

namespace Fiqa.Onnx;

public static partial class OnnxGraph
{
    private const int GraphValueInfo = 13, ValueInfoName = 1;

    /// <summary>The model with the float32 input <paramref name="inputName"/> declared as <paramref name="shape"/> — for a
    /// fully convolutional network (global pooling before its classifier) fed a smaller image than it was exported
    /// for. The graph's intermediate shape annotations (value_info) are dropped: they describe the old size, and the
    /// runtime infers them again.</summary>
    public static byte[] WithInputShape(byte[] model, string inputName, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputName);
        ArgumentNullException.ThrowIfNull(shape);
        var result = new MemoryStream();
        bool replaced = false;
        foreach (var f in Fields(model))
        {
            if (f.Number != ModelGraph || f.WireType != 2)
            {
                result.Write(model.AsSpan(f.Start, f.End - f.Start));
                continue;
            }
            var graph = model.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            var rewritten = new MemoryStream();
            foreach (var g in Fields(graph))
            {
                if (g.Number == GraphValueInfo) continue;
                if (g.Number == GraphInput && g.WireType == 2 && ValueInfoNameOf(graph, g) == inputName)
                {
                    WriteBytesField(rewritten, GraphInput, FloatValueInfo(inputName, shape));
                    replaced = true;
                    continue;
                }
                rewritten.Write(graph.AsSpan(g.Start, g.End - g.Start));
            }
            WriteBytesField(result, ModelGraph, rewritten.ToArray());
        }
        if (!replaced) throw new ModelConfigurationException($"the model has no graph input named '{inputName}'");
        return result.ToArray();
    }

    private static string? ValueInfoNameOf(byte[] graph, Field field)
    {
        var bytes = graph.AsSpan(field.ValueStart, field.ValueLength).ToArray();
        foreach (var g in Fields(bytes))
            if (g.Number == ValueInfoName && g.WireType == 2) return Encoding.UTF8.GetString(bytes, g.ValueStart, g.ValueLength);
        return null;
    }
}
