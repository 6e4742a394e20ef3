using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

/// <summary>The face's own skin colour, learnt from its cheeks: robust centre (median) and spread (1.4826·MAD, at
/// least <see cref="MinSpread"/>) of Cb and Cr (ITU-R BT.601). A pixel is skin when its chroma lies within
/// <see cref="MaxDistance"/> spreads of the centre. Judging against the face's own statistics instead of fixed
/// chroma bounds keeps make-up, strong warm or cold light, pale or dark skin from reading as occlusion, while a
/// grey, black or coloured cover still stands out. When the cheeks themselves do not look like skin — chroma near
/// neutral (a grey, black or white cover), or too varied to be one surface — the model falls back to fixed bounds.</summary>
internal sealed class SkinModel
{
    /// <summary>Largest normalised chroma distance still counted as skin.</summary>
    public const double MaxDistance = 4;
    /// <summary>Floor on each spread, in 8-bit chroma levels: smooth, evenly lit cheeks would otherwise give a model so
    /// tight that the face's own shading reads as cover.</summary>
    public const double MinSpread = 3;
    /// <summary>How far above the skin's Cr lips may lie, in spreads (lips are redder than skin).</summary>
    public const double LipCrAllowance = 8;

    /// <summary>Cheeks closer than this to neutral chroma (|Cb − 128| + |Cr − 128|) are a grey, black or white cover.</summary>
    public const double NeutralChroma = 8;
    /// <summary>Cheeks whose chroma spread exceeds this are not one surface (a cover's edge crosses them).</summary>
    public const double MaxSpread = 12;

    private static readonly SkinModel FixedBounds = new(0, 0, 1, 1, fixedBounds: true);

    private readonly double _cb, _cr, _sCb, _sCr;
    private readonly bool _fixedBounds;

    private SkinModel(double cb, double cr, double sCb, double sCr, bool fixedBounds) =>
        (_cb, _cr, _sCb, _sCr, _fixedBounds) = (cb, cr, sCb, sCr, fixedBounds);

    /// <summary>The model of one face (its portrait's cheek zones), learnt once and shared by the covering measures.</summary>
    public static SkinModel Of(FaceContext face) => face.Memo(nameof(SkinModel), () => Learn(face));

    private static SkinModel Learn(FaceContext face)
    {
        var px = face.Portrait.Image.Pixels;
        var cbs = new List<float>();
        var crs = new List<float>();
        foreach (var side in (ReadOnlySpan<bool>)[true, false])
        {
            var zone = Cheeks.Zone(face, side);
            var (zoneFrom, zoneTo) = PolygonMask.Extent(zone);
            for (int i = zoneFrom; i < zoneTo; i++)
            {
                if (!zone[i]) continue;
                var (cb, cr) = RegionStatistics.Chroma(px[3 * i], px[3 * i + 1], px[3 * i + 2]);
                cbs.Add((float)cb); crs.Add((float)cr);
            }
        }
        if (cbs.Count < 50) return FixedBounds;
        var (mCb, sCb) = MedianAndSpread(cbs);
        var (mCr, sCr) = MedianAndSpread(crs);
        if (Math.Abs(mCb - 128) + Math.Abs(mCr - 128) < NeutralChroma || Math.Max(sCb, sCr) > MaxSpread) return FixedBounds;
        return new SkinModel(mCb, mCr, Math.Max(MinSpread, sCb), Math.Max(MinSpread, sCr), fixedBounds: false);
    }

    /// <summary>True when the model was learnt from this face's cheeks, false when it fell back to fixed chroma bounds.</summary>
    public bool Learnt => !_fixedBounds;

    /// <summary>True when the colour is this face's skin (or, with <paramref name="lips"/>, its lips).</summary>
    public bool IsSkin(byte r, byte g, byte b, bool lips = false)
    {
        if (_fixedBounds) return RegionStatistics.IsSkinChroma(r, g, b);
        var (cb, cr) = RegionStatistics.Chroma(r, g, b);
        double zCb = (cb - _cb) / _sCb, zCr = (cr - _cr) / _sCr;
        // Lips: redder (Cr up) and a little bluer-free (Cb down) than skin; the allowance stretches the model that way.
        if (lips && zCr > 0) zCr = Math.Max(0, zCr - LipCrAllowance);
        if (lips && zCb < 0) zCb = Math.Min(0, zCb + LipCrAllowance / 2);
        return zCb * zCb + zCr * zCr <= MaxDistance * MaxDistance;
    }

    /// <summary>Fraction (0..1) of masked portrait pixels that are not this face's skin; NaN when the mask is empty.
    /// Inside <paramref name="exempt"/> (the mouth opening) teeth and the dark mouth cavity are not cover.</summary>
    public double NonSkinFraction(RgbImage portrait, bool[] mask, bool lips = false, bool[]? exempt = null)
    {
        long n = 0, other = 0;
        var px = portrait.Pixels;
        var (maskFrom, maskTo) = PolygonMask.Extent(mask);
        for (int i = maskFrom; i < maskTo; i++)
        {
            if (!mask[i]) continue;
            n++;
            if (exempt is not null && exempt[i]) continue;
            if (!IsSkin(px[3 * i], px[3 * i + 1], px[3 * i + 2], lips)) other++;
        }
        return n == 0 ? double.NaN : (double)other / n;
    }

    private static (double Median, double Spread) MedianAndSpread(List<float> values)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        double median = RankStatistics.Select(span, span.Length / 2);
        for (int i = 0; i < span.Length; i++) span[i] = Math.Abs(span[i] - (float)median);
        return (median, 1.4826 * RankStatistics.Select(span, span.Length / 2));
    }
}
