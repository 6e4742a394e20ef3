using System.Globalization;
using System.Text.Json;
using System.Text.Encodings.Web;

namespace Fiqa;

/// <summary>The one way the project writes a JSON Lines record: one compact object, non-ASCII text left as it is, so the
/// CLI and the service write the same bytes for the same record.</summary>
public static class JsonLine
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One compact JSON object (no line break) built by <paramref name="body"/>.</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes a number, or, since JSON has no NaN or infinity, its invariant text ("NaN", "Infinity").</summary>
    public static void WriteNumberOrText(this Utf8JsonWriter writer, string name, double value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value)) writer.WriteNumber(name, value);
        else writer.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
    }
}
