using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Fiqa.Tests;

/// <summary>Builds real encoded files byte by byte for decoder edge cases (PNG written to the PNG spec, EXIF APP1
/// segments per EXIF 2.3), so the cases do not depend on any encoder's choices.</summary>
internal static class EncodedImages
{
    /// <summary>An 8-bit RGB PNG of the given pixels (rows of width·3 bytes).</summary>
    public static byte[] Png(int width, int height, byte[] rgb, int bitDepth = 8)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth; ihdr[9] = 2; // truecolour
        Chunk(ms, "IHDR", ihdr);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            {
                int rowBytes = width * 3 * bitDepth / 8;
                for (int y = 0; y < height && rgb.Length > 0; y++)
                {
                    z.WriteByte(0);
                    z.Write(rgb, y * rowBytes, rowBytes);
                }
            }
            Chunk(ms, "IDAT", raw.ToArray());
        }
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A PNG whose header claims width×height but whose data is tiny: a decompression-bomb-shaped file.</summary>
    public static byte[] PngHeaderOnly(int width, int height) => Png(width, height, []);

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32(typeBytes, data);
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    private static uint Crc32(byte[] a, byte[] b)
    {
        uint c = 0xFFFFFFFF;
        foreach (var part in new[] { a, b })
            foreach (var x in part)
            {
                c ^= x;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
        return c ^ 0xFFFFFFFF;
    }

    /// <summary>The JPEG with an EXIF APP1 segment carrying only the Orientation tag inserted after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("not a JPEG");
        // TIFF header (big-endian "MM"), IFD0 at offset 8 with one entry: 0x0112 SHORT count 1 = orientation.
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01,
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        int segmentLength = payload.Length + 2;
        var app1 = new byte[] { 0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength }.Concat(payload);
        return jpeg.Take(2).Concat(app1).Concat(jpeg.Skip(2)).ToArray();
    }
}
