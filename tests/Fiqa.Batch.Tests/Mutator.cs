using System.Buffers.Binary;
using Fiqa.Imaging;
using Fiqa.Tests;
using SkiaSharp;

namespace Fiqa.Batch.Tests;

/// <summary>A seeded mutator of real encoded images: truncations, bit flips, spliced chunks of other files, absurd
/// header dimensions and random bytes behind a valid signature, across JPEG, PNG, GIF, BMP and WebP.</summary>
internal sealed class Mutator
{
    private readonly Random _random;
    private readonly (string Extension, byte[] Bytes)[] _seeds;

    public Mutator(int seed)
    {
        _random = new Random(seed);
        var crop = Directory.EnumerateFiles(TestData.File("crops"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var image = ImageDecoder.Decode(crop);
        _seeds =
        [
            (".jpg", ImageEncoder.Jpeg(image, 85)),
            (".png", ImageEncoder.Png(image)),
            (".webp", Skia(image, SKEncodedImageFormat.Webp)),
            (".bmp", Bmp(image)),
            (".gif", File.ReadAllBytes(TestData.File("fixtures/astronaut_animated.gif"))),
        ];
    }

    public static readonly string[] Kinds = ["truncate", "bitflip", "splice", "dimensions", "random"];

    /// <summary>The <paramref name="index"/>-th malformed file: extension and bytes (format and mutation take turns).</summary>
    public (string Name, byte[] Bytes) Next(int index)
    {
        var (ext, seed) = _seeds[index % _seeds.Length];
        var kind = Kinds[index / _seeds.Length % Kinds.Length];
        var b = (byte[])seed.Clone();
        switch (kind)
        {
            case "truncate":
                b = b[.._random.Next(0, b.Length)];
                break;
            case "bitflip":
                for (int k = _random.Next(1, 16); k > 0; k--) b[_random.Next(b.Length)] ^= (byte)(1 << _random.Next(8));
                break;
            case "splice":
                {
                    var other = _seeds[_random.Next(_seeds.Length)].Bytes;
                    int len = _random.Next(1, Math.Min(4096, other.Length));
                    int from = _random.Next(other.Length - len);
                    int at = _random.Next(b.Length);
                    b = [.. b[..at], .. other.AsSpan(from, len), .. b[Math.Min(b.Length, at + _random.Next(0, len))..]];
                    break;
                }
            case "dimensions":
                Dimensions(ext, b, _random.Next(2) == 0 ? 0x7FFFFFFF : 65535 + _random.Next(1 << 20));
                break;
            default:
                var noise = new byte[_random.Next(0, 20_000)];
                _random.NextBytes(noise);
                b = [.. seed.AsSpan(0, Math.Min(12, seed.Length)), .. noise];
                break;
        }
        return ($"{index:D6}_{kind}{ext}", b);
    }

    // Writes an absurd width/height where each format keeps it.
    private static void Dimensions(string ext, byte[] b, int v)
    {
        switch (ext)
        {
            case ".png": BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), v); BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), v); break;
            case ".bmp": BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), v); BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), v); break;
            case ".gif": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)v); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)v); break;
            case ".webp": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(26), (ushort)v); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(28), (ushort)v); break;
            default:
                // JPEG: the SOFn segment's height and width.
                for (int i = 2; i + 9 < b.Length; i++)
                    if (b[i] == 0xFF && b[i + 1] is 0xC0 or 0xC1 or 0xC2)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 5), (ushort)v);
                        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 7), (ushort)v);
                        break;
                    }
                break;
        }
    }

    private static byte[] Skia(RgbImage image, SKEncodedImageFormat format)
    {
        var png = ImageEncoder.Png(image);
        using var decoded = SKImage.FromEncodedData(png);
        using var data = decoded.Encode(format, 80);
        return data.ToArray();
    }

    // A 24-bit BI_RGB BMP (bottom-up rows padded to 4 bytes), per the Windows BITMAPINFOHEADER layout.
    private static byte[] Bmp(RgbImage image)
    {
        int row = (image.Width * 3 + 3) & ~3;
        var b = new byte[54 + row * image.Height];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), image.Height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        for (int y = 0; y < image.Height; y++)
        {
            var src = image.Row(image.Height - 1 - y);
            for (int x = 0; x < image.Width; x++)
            {
                int o = 54 + y * row + x * 3;
                b[o] = src[x * 3 + 2]; b[o + 1] = src[x * 3 + 1]; b[o + 2] = src[x * 3];
            }
        }
        return b;
    }
}
