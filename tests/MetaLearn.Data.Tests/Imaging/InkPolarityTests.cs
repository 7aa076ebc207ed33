namespace MetaLearn.Data.Tests.Imaging;

public class InkPolarityTests
{
    private static float[] Gray(byte[] samples) => [.. samples.Select(v => (float)(v / 255.0))];

    [Fact]
    public void DarkStrokesOnLightPaperAndLightStrokesOnDarkGiveTheSameInk()
    {
        byte[] drawing = TestImages.Drawing(40);
        float[] dark = Gray(drawing), light = Gray(TestImages.Negative(drawing));
        Assert.Equal(ImageBackground.Light, InkPolarity.DetectBackground(dark, 40, 40));
        Assert.Equal(ImageBackground.Dark, InkPolarity.DetectBackground(light, 40, 40));

        float[] a = InkPolarity.ToInk(dark, 40, 40), b = InkPolarity.ToInk(light, 40, 40);
        // 1 - g of a float is rounded a second time: equal within the last bit (InkImage is exact).
        Assert.All(a.Zip(b), p => Assert.Equal(p.First, p.Second, 1e-7f));
        Assert.Equal(1f, a.Max());
        Assert.Equal(0f, a[0]);
        Assert.Equal(light, b);
    }

    [Fact]
    public void TheBorderMedianDecides()
    {
        // Light paper with strokes running off two of the four edges (under half of the border): still light.
        var gray = Enumerable.Repeat(1f, 10 * 10).ToArray();
        for (int i = 0; i < 10; i++)
        {
            gray[(5 * 10) + i] = 0; // a horizontal stroke touching the left and right edges
            gray[(i * 10) + 5] = 0; // a vertical one touching the top and bottom
        }
        Assert.Equal(ImageBackground.Light, InkPolarity.DetectBackground(gray, 10, 10));

        // A dark frame around light paper is read as a dark background: a documented limit of the rule.
        var framed = Enumerable.Repeat(1f, 10 * 10).ToArray();
        for (int i = 0; i < 10; i++)
        {
            framed[i] = framed[90 + i] = framed[i * 10] = framed[(i * 10) + 9] = 0;
        }
        Assert.Equal(ImageBackground.Dark, InkPolarity.DetectBackground(framed, 10, 10));

        // Exactly half light, half dark: the median is 0.5, which counts as light (Omniglot's polarity).
        Assert.Equal(ImageBackground.Light, InkPolarity.DetectBackground([0f, 1f], 1, 2));
        Assert.Equal(ImageBackground.Dark, InkPolarity.DetectBackground([0.2f, 0.3f, 0.9f], 3, 1));
    }

    [Fact]
    public void WrongShapesNameBothSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => InkPolarity.DetectBackground(new float[10], 3, 4));
        Assert.Contains("has 10 floats, but a 3x4 image needs 12", e.Message);
        Assert.Throws<ArgumentException>(() => InkPolarity.ToInk(new float[12], 3, 4, new float[11]));
        Assert.Throws<ArgumentException>(() => InkPolarity.DetectBackground([], 0, 0));
    }
}
