namespace Fiqa.Iqa;

/// <summary>The space-domain steerable pyramid with Simoncelli's 5th-order filters ("sp5Filters" of matlabPyrTools /
/// pyrtools, MIT licence: Simoncelli &amp; Freeman, ICIP 1995; Karasaridis &amp; Simoncelli, ICASSP 1996), built as
/// <c>buildSpyr(im, height, 'sp5Filters', 'reflect1')</c> builds it. Only what the VIF model reads is computed: the
/// oriented bands 0 (vertical structure) and 3 (horizontal) of each level; the high-pass residual is not used.</summary>
internal static class SteerablePyramid
{
    // Initial low-pass (5×5) and the recursive low-pass (9×9, the published values ×2): symmetric in both axes, so each
    // is given by its top-left quadrant rows.
    private static readonly Matrix Lo0 = MirrorBoth(
    [
        [0.00341614, -0.01551246, -0.03848215],
        [-0.01551246, 0.05586982, 0.15925570],
        [-0.03848215, 0.15925570, 0.40304148],
    ]);

    private static readonly Matrix Lo = MirrorBoth(
    [
        [0.00085404, -0.00244917, -0.00387812, -0.00944432, -0.00962054],
        [-0.00244917, -0.00523281, -0.00661117, 0.00410600, 0.01002988],
        [-0.00387812, -0.00661117, 0.01396746, 0.03277038, 0.03981393],
        [-0.00944432, 0.00410600, 0.03277038, 0.06426333, 0.08169618],
        [-0.00962054, 0.01002988, 0.03981393, 0.08169618, 0.10096540],
    ], scale: 2);

    // Band 0 (7×7): odd along columns, even along rows; its first three columns, top to bottom.
    private static readonly Matrix Band0 = OddColumns(
    [
        [0.00277643, 0.00496194, 0.01026699, 0.01455399, 0.01026699, 0.00496194, 0.00277643],
        [-0.00986904, -0.00893064, 0.01189859, 0.02755155, 0.01189859, -0.00893064, -0.00986904],
        [-0.01021852, -0.03075356, -0.08226445, -0.11732297, -0.08226445, -0.03075356, -0.01021852],
    ]);

    // Band 3 is band 0 turned by 90°: its negated transpose.
    private static readonly Matrix Band3 = NegatedTranspose(Band0);

    /// <summary>Bands 0 and 3 of every level, finest first: element [level][0] is band 0, [level][1] band 3.</summary>
    public static Matrix[][] OrientedBands(Matrix image, int height)
    {
        var levels = new Matrix[height][];
        var low = Matlab.Filter(image, Lo0, same: true, Padding.Reflect101);
        for (int level = 0; level < height; level++)
        {
            levels[level] =
            [
                Matlab.Filter(low, Band0, same: true, Padding.Reflect101),
                Matlab.Filter(low, Band3, same: true, Padding.Reflect101),
            ];
            low = Matlab.FilterSameSubsampled(low, Lo, Padding.Reflect101, 2);
        }
        return levels;
    }

    private static Matrix MirrorBoth(double[][] quadrant, double scale = 1)
    {
        int half = quadrant.Length, size = 2 * half - 1;
        var m = new Matrix(size, size);
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
                m[r, c] = scale * quadrant[r < half ? r : size - 1 - r][c < half ? c : size - 1 - c];
        return m;
    }

    private static Matrix OddColumns(double[][] leftColumns)
    {
        int half = leftColumns.Length, size = 2 * half + 1;
        var m = new Matrix(size, size);
        for (int c = 0; c < half; c++)
            for (int r = 0; r < size; r++)
            {
                m[r, c] = leftColumns[c][r];
                m[r, size - 1 - c] = -leftColumns[c][r];
            }
        return m;
    }

    private static Matrix NegatedTranspose(Matrix k)
    {
        var t = new Matrix(k.Cols, k.Rows);
        for (int r = 0; r < k.Rows; r++)
            for (int c = 0; c < k.Cols; c++) t[c, r] = -k[r, c];
        return t;
    }
}
