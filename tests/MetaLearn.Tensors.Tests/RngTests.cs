namespace MetaLearn.Tensors.Tests;

public class RngTests
{
    [Fact]
    public void SameSeedSameSequence()
    {
        Rng a = new(42), b = new(42);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void SplitsAreDeterministicAndIndependentOfEachOther()
    {
        Rng[] first = new Rng(9).Split(3), second = new Rng(9).Split(3);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(first[i].NextUInt64(), second[i].NextUInt64());
        }
        var starts = new Rng(9).Split(50).Select(r => r.NextUInt64()).ToHashSet();
        Assert.Equal(50, starts.Count);
    }

    [Fact]
    public void NormalSamplesHaveUnitMomentsAndIntsAreInRange()
    {
        var rng = new Rng(1);
        double[] v = Enumerable.Range(0, 20_000).Select(_ => rng.NextNormal()).ToArray();
        Assert.InRange(v.Average(), -0.03, 0.03);
        Assert.InRange(v.Select(e => e * e).Average(), 0.96, 1.04);
        Assert.All(Enumerable.Range(0, 1000).Select(_ => rng.NextInt(7)), i => Assert.InRange(i, 0, 6));
    }

    [Fact]
    public void ChooseGivesDistinctValues()
    {
        int[] picked = new Rng(2).Choose(10, 10);
        Assert.Equal(Enumerable.Range(0, 10), picked.Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rng(2).Choose(3, 4));
    }
}
