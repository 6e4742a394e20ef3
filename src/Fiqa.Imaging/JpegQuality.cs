namespace Fiqa.Imaging;

/// <summary>The IJG quality (1..100) a JPEG's luminance quantisation table corresponds to: the table is compared with
/// the ITU-T T.81 Annex K luminance table scaled as libjpeg scales it for each quality (scale 5000/q below 50, 200 − 2q
/// from 50; entries (b·scale + 50)/100 clamped to 1..255), and the closest quality in log ratio is taken. Tables from
/// other encoders (cameras, Photoshop) get the IJG quality whose table is closest — an equivalent quality, not theirs.</summary>
public static class JpegQuality
{
    // ITU-T T.81 Annex K, Table K.1, natural (row-major) order.
    private static readonly int[] AnnexKLuminance =
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];

    // T.81 Figure A.6: natural-order index of the k-th coefficient in zig-zag order (DQT stores tables zig-zagged).
    private static readonly int[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    /// <summary>The estimated quality, or null when the bytes are not a JPEG or carry no luminance table (table 0)
    /// before the first scan.</summary>
    public static int? Estimate(ReadOnlySpan<byte> jpeg)
    {
        var table = LuminanceTable(jpeg);
        if (table is null) return null;
        int best = 0;
        double bestError = double.PositiveInfinity;
        for (int q = 1; q <= 100; q++)
        {
            int scale = q < 50 ? 5000 / q : 200 - 2 * q;
            double error = 0;
            for (int i = 0; i < 64; i++)
            {
                int expected = Math.Clamp((AnnexKLuminance[i] * scale + 50) / 100, 1, 255);
                error += Math.Abs(Math.Log((double)table[i] / expected));
            }
            // Ties (several qualities round to the same table near q = 100) go to the higher quality.
            if (error <= bestError) { bestError = error; best = q; }
        }
        return best;
    }

    /// <summary>Table 0 in natural order, from the first DQT segments before the start of scan.</summary>
    private static int[]? LuminanceTable(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4 || b[0] != 0xFF || b[1] != 0xD8) return null;
        int pos = 2;
        while (pos + 4 <= b.Length)
        {
            if (b[pos] != 0xFF) return null;
            byte marker = b[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0xD8 or (>= 0xD0 and <= 0xD7) or 0x01) { pos += 2; continue; } // markers without a length
            if (marker is 0xDA or 0xD9) return null; // scan or end reached without table 0
            int length = (b[pos + 2] << 8) | b[pos + 3];
            if (length < 2 || pos + 2 + length > b.Length) return null;
            if (marker == 0xDB)
            {
                var segment = b.Slice(pos + 4, length - 2);
                while (segment.Length > 0)
                {
                    int precision = segment[0] >> 4, id = segment[0] & 0x0F;
                    int size = precision == 0 ? 64 : 128;
                    if (segment.Length < 1 + size) return null;
                    if (id == 0)
                    {
                        var table = new int[64];
                        for (int k = 0; k < 64; k++)
                            table[ZigZag[k]] = Math.Max(1, precision == 0 ? segment[1 + k] : (segment[1 + 2 * k] << 8) | segment[2 + 2 * k]);
                        return table;
                    }
                    segment = segment[(1 + size)..];
                }
            }
            pos += 2 + length;
        }
        return null;
    }
}
