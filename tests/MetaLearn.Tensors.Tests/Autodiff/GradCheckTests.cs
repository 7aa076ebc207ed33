namespace MetaLearn.Tensors.Tests.Autodiff;

public class GradCheckTests
{
    [Theory]
    [MemberData(nameof(GradCheckCases.Names), MemberType = typeof(GradCheckCases))]
    public void FirstDerivativeMatchesFiniteDifferences(string name)
    {
        GradCase c = GradCheckCases.Get(name);
        GradCheck.First(c.F, c.Inputs());
    }

    [Theory]
    [MemberData(nameof(GradCheckCases.Names), MemberType = typeof(GradCheckCases))]
    public void SecondDerivativeMatchesFiniteDifferences(string name)
    {
        GradCase c = GradCheckCases.Get(name);
        GradCheck.Second(c.F, c.Inputs());
    }
}
