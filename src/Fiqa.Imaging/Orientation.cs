namespace Fiqa.Imaging;

/// <summary>EXIF orientation tag values (TIFF 6.0 / EXIF 2.3, tag 0x0112): where row 0 and column 0 of the stored image are.</summary>
public enum ExifOrientation
{
    /// <summary>1: stored upright.</summary>
    TopLeft = 1,
    /// <summary>2: mirrored horizontally.</summary>
    TopRight = 2,
    /// <summary>3: rotated 180°.</summary>
    BottomRight = 3,
    /// <summary>4: mirrored vertically.</summary>
    BottomLeft = 4,
    /// <summary>5: transposed.</summary>
    LeftTop = 5,
    /// <summary>6: display needs a 90° clockwise rotation.</summary>
    RightTop = 6,
    /// <summary>7: transverse.</summary>
    RightBottom = 7,
    /// <summary>8: display needs a 90° counter-clockwise rotation.</summary>
    LeftBottom = 8,
}

/// <summary>Geometric re-orderings of pixels: EXIF orientation, flips.</summary>
public static class Orientation
{
    /// <summary>Returns the image as it should be displayed for the given stored orientation.</summary>
    public static RgbImage Apply(RgbImage stored, ExifOrientation orientation)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (orientation is ExifOrientation.TopLeft || !Enum.IsDefined(orientation)) return stored;
        int sw = stored.Width, sh = stored.Height;
        bool swaps = orientation >= ExifOrientation.LeftTop;
        int dw = swaps ? sh : sw, dh = swaps ? sw : sh;
        var display = new RgbImage(dw, dh);
        var src = stored.Pixels;
        var dst = display.Pixels;
        for (int y = 0; y < dh; y++)
        {
            int dRow = y * dw * 3;
            for (int x = 0; x < dw; x++)
            {
                (int sx, int sy) = orientation switch
                {
                    ExifOrientation.TopRight => (sw - 1 - x, y),
                    ExifOrientation.BottomRight => (sw - 1 - x, sh - 1 - y),
                    ExifOrientation.BottomLeft => (x, sh - 1 - y),
                    ExifOrientation.LeftTop => (y, x),
                    ExifOrientation.RightTop => (y, sh - 1 - x),
                    ExifOrientation.RightBottom => (sw - 1 - y, sh - 1 - x),
                    _ => (sw - 1 - y, x), // LeftBottom
                };
                int s = (sy * sw + sx) * 3, d = dRow + x * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return display;
    }

    /// <summary>Mirror image (left ↔ right).</summary>
    public static RgbImage FlipHorizontal(RgbImage image) => Apply(image, ExifOrientation.TopRight);
}
