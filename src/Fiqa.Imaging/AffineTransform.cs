using System.Numerics;

namespace Fiqa.Imaging;

/// <summary>A 2×3 affine map x' = A·x + b, stored row-major as (M11, M12, M13; M21, M22, M23).</summary>
public readonly record struct AffineTransform(double M11, double M12, double M13, double M21, double M22, double M23)
{
    /// <summary>Maps a point.</summary>
    public Vector2 Apply(Vector2 p) => new((float)(M11 * p.X + M12 * p.Y + M13), (float)(M21 * p.X + M22 * p.Y + M23));

    /// <summary>The inverse map; throws if the transform is singular.</summary>
    public AffineTransform Invert()
    {
        double det = M11 * M22 - M12 * M21;
        if (Math.Abs(det) < 1e-12) throw new InvalidOperationException("affine transform is singular");
        double i11 = M22 / det, i12 = -M12 / det, i21 = -M21 / det, i22 = M11 / det;
        return new AffineTransform(i11, i12, -(i11 * M13 + i12 * M23), i21, i22, -(i21 * M13 + i22 * M23));
    }

    /// <summary>Uniform scale of a similarity transform.</summary>
    public double Scale => Math.Sqrt(Math.Abs(M11 * M22 - M12 * M21));

    /// <summary>Least-squares similarity (rotation, uniform scale, translation; no reflection or shear) mapping
    /// <paramref name="source"/> onto <paramref name="target"/> — Umeyama (1991) in closed form for 2-D.</summary>
    public static AffineTransform FitSimilarity(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> target)
    {
        if (source.Length != target.Length || source.Length < 2)
            throw new ArgumentException("need at least two corresponding point pairs");
        int n = source.Length;
        double sx = 0, sy = 0, tx = 0, ty = 0;
        for (int i = 0; i < n; i++) { sx += source[i].X; sy += source[i].Y; tx += target[i].X; ty += target[i].Y; }
        sx /= n; sy /= n; tx /= n; ty /= n;
        double dot = 0, cross = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            double px = source[i].X - sx, py = source[i].Y - sy, qx = target[i].X - tx, qy = target[i].Y - ty;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            norm += px * px + py * py;
        }
        if (norm < 1e-12) throw new ArgumentException("source points coincide");
        double a = dot / norm, b = cross / norm;
        return new AffineTransform(a, -b, tx - (a * sx - b * sy), b, a, ty - (b * sx + a * sy));
    }
}

/// <summary>Affine warping as OpenCV's <c>warpAffine</c> with <c>INTER_LINEAR</c> and <c>BORDER_CONSTANT</c> (black):
/// same fixed-point arithmetic (source positions rounded to 1/1024 then quantised to 1/32 pixel, 15-bit weights),
/// so aligned faces are what OpenCV-trained embedders expect.</summary>
public static class Warp
{
    // OpenCV imgproc: AB_BITS = 10 (position precision), INTER_BITS = 5 (sub-pixel table), weights scaled to 2^15.
    private const int AbBits = 10, InterBits = 5, AbScale = 1 << AbBits, InterTab = 1 << InterBits;
    private const int RoundDelta = AbScale / InterTab / 2, WeightShift = 15;

    /// <summary>Warps <paramref name="src"/> by <paramref name="sourceToTarget"/> into a width×height image.</summary>
    public static RgbImage Affine(RgbImage src, AffineTransform sourceToTarget, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var inv = sourceToTarget.Invert();
        var dst = new RgbImage(width, height);
        var s = src.Pixels;
        var d = dst.Pixels;
        int sw = src.Width, sh = src.Height, stride = src.Stride;
        var aDelta = new int[width];
        var bDelta = new int[width];
        for (int x = 0; x < width; x++)
        {
            aDelta[x] = (int)Math.Round(inv.M11 * x * AbScale);
            bDelta[x] = (int)Math.Round(inv.M21 * x * AbScale);
        }
        for (int y = 0; y < height; y++)
        {
            int x0 = (int)Math.Round((inv.M12 * y + inv.M13) * AbScale) + RoundDelta;
            int y0 = (int)Math.Round((inv.M22 * y + inv.M23) * AbScale) + RoundDelta;
            for (int x = 0; x < width; x++)
            {
                int fxq = (x0 + aDelta[x]) >> (AbBits - InterBits);
                int fyq = (y0 + bDelta[x]) >> (AbBits - InterBits);
                int ix = fxq >> InterBits, iy = fyq >> InterBits;
                if (ix < -1 || iy < -1 || ix >= sw || iy >= sh) continue; // wholly outside: border stays 0
                int ax = fxq & (InterTab - 1), ay = fyq & (InterTab - 1);
                // (1−a)(1−b)·2^15 with a, b in 1/32 steps: exact integers summing to 2^15.
                int w00 = (InterTab - ax) * (InterTab - ay) * 32, w01 = ax * (InterTab - ay) * 32;
                int w10 = (InterTab - ax) * ay * 32, w11 = ax * ay * 32;
                if (ix >= 0 && iy >= 0 && ix + 1 < sw && iy + 1 < sh)
                {
                    // All four neighbours inside: the common case, without per-neighbour tests.
                    var q0 = s.AsSpan(iy * stride + ix * 3, 6);
                    var q1 = s.AsSpan((iy + 1) * stride + ix * 3, 6);
                    var o3 = d.AsSpan((y * width + x) * 3, 3);
                    const int half = 1 << (WeightShift - 1);
                    o3[0] = (byte)((w00 * q0[0] + w01 * q0[3] + w10 * q1[0] + w11 * q1[3] + half) >> WeightShift);
                    o3[1] = (byte)((w00 * q0[1] + w01 * q0[4] + w10 * q1[1] + w11 * q1[4] + half) >> WeightShift);
                    o3[2] = (byte)((w00 * q0[2] + w01 * q0[5] + w10 * q1[2] + w11 * q1[5] + half) >> WeightShift);
                    continue;
                }
                bool in00 = ix >= 0 && iy >= 0, in01 = ix + 1 < sw && iy >= 0;
                bool in10 = ix >= 0 && iy + 1 < sh, in11 = ix + 1 < sw && iy + 1 < sh;
                int o = (y * width + x) * 3;
                int p00 = iy * stride + ix * 3;
                for (int c = 0; c < 3; c++)
                {
                    int v = 0;
                    if (in00) v += w00 * s[p00 + c];
                    if (in01) v += w01 * s[p00 + 3 + c];
                    if (in10) v += w10 * s[p00 + stride + c];
                    if (in11) v += w11 * s[p00 + stride + 3 + c];
                    d[o + c] = (byte)Math.Clamp((v + (1 << (WeightShift - 1))) >> WeightShift, 0, 255);
                }
            }
        }
        return dst;
    }
}
