using MetaLearn.Data;

namespace MetaLearn.Data.Tests.Imaging;

public class ImageOpsTests
{
    [Fact]
    public void AreaResizeAveragesWholeBlocks()
    {
        float[] src = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        float[] dst = ImageResize.Area(src, 1, 4, 4, 2, 2);
        Assert.Equal(new[] { 3.5f, 5.5f, 11.5f, 13.5f }, dst);
    }

    [Fact]
    public void AreaResizePreservesMeanAndConstants()
    {
        var src = new float[2 * 105 * 105];
        for (int i = 0; i < src.Length; i++)
        {
            src[i] = (i * 7919 % 13) / 13f;
        }
        float[] dst = ImageResize.Area(src, 2, 105, 105, 28, 28);
        for (int c = 0; c < 2; c++)
        {
            double inMean = src.Skip(c * 105 * 105).Take(105 * 105).Average();
            double outMean = dst.Skip(c * 28 * 28).Take(28 * 28).Average();
            Assert.Equal(inMean, outMean, 4);
        }
        float[] ones = ImageResize.Area(Enumerable.Repeat(1f, 105 * 105).ToArray(), 1, 105, 105, 28, 28);
        Assert.All(ones, v => Assert.Equal(1f, v, 5));
        float[] same = ImageResize.Area(src.AsSpan(0, 105 * 105), 1, 105, 105, 105, 105);
        Assert.Equal(src.Take(105 * 105), same);
    }

    [Fact]
    public void AreaResizeRejectsMismatchedBuffers()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageResize.Area(new float[10], 1, 4, 4, 2, 2));
        Assert.Contains("4x4", e.Message);
    }

    [Fact]
    public void RotationMatchesNumpyRot90()
    {
        float[] src = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var dst = new float[9];
        ImageRotation.Rotate(src, 1, 3, 1, dst);
        // numpy.rot90([[1,2,3],[4,5,6],[7,8,9]]) == [[3,6,9],[2,5,8],[1,4,7]]
        Assert.Equal(new float[] { 3, 6, 9, 2, 5, 8, 1, 4, 7 }, dst);
        ImageRotation.Rotate(src, 1, 3, 2, dst);
        Assert.Equal(new float[] { 9, 8, 7, 6, 5, 4, 3, 2, 1 }, dst);
        ImageRotation.Rotate(src, 1, 3, -1, dst);
        Assert.Equal(new float[] { 7, 4, 1, 8, 5, 2, 9, 6, 3 }, dst);
        ImageRotation.Rotate(src, 1, 3, 4, dst);
        Assert.Equal(src, dst);
    }

    [Fact]
    public void RotationInPlaceMatchesTheCopyingRotationForEverySizeAndTurn()
    {
        // Odd and even sizes exercise the centre pixel and the innermost ring; two channels check the plane offsets.
        for (int size = 1; size <= 8; size++)
        {
            var src = new float[2 * size * size];
            for (int i = 0; i < src.Length; i++)
            {
                src[i] = i;
            }
            for (int turns = -5; turns <= 5; turns++)
            {
                var expected = new float[src.Length];
                ImageRotation.Rotate(src, 2, size, turns, expected);
                float[] actual = (float[])src.Clone();
                ImageRotation.RotateInPlace(actual, 2, size, turns);
                Assert.Equal(expected, actual);
            }
        }
        Assert.Throws<ArgumentException>(() => ImageRotation.RotateInPlace(new float[10], 1, 3, 1));
    }

    [Fact]
    public void SubByteRowsUnpackAcrossPartialLastBytes()
    {
        // 1-bit rows of 105 pixels (Omniglot) end mid-byte; every depth and a width of 13 leave a partial last byte.
        var rng = new MetaLearn.Tensors.Rng(3);
        foreach (int depth in new[] { 1, 2, 4 })
        {
            const int w = 13, h = 3;
            var samples = new ushort[w * h];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = (ushort)rng.NextInt(1 << depth);
            }
            PngImage png = PngDecoder.Decode(PngTestEncoder.Encode(w, h, PngColorType.Gray, depth, samples));
            Assert.Equal(samples, png.Samples.ToArray());
        }
    }
}
