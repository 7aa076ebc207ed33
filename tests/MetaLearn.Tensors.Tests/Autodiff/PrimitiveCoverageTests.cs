using System.Reflection;

namespace MetaLearn.Tensors.Tests.Autodiff;

public class PrimitiveCoverageTests
{
    /// <summary>Every primitive must appear in the forward graph of at least one grad-check case.</summary>
    [Fact]
    public void EveryPrimitiveHasAGradCheckCase()
    {
        Type[] primitives = typeof(Tensor).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Function)) && !t.IsAbstract)
            .ToArray();
        Assert.True(primitives.Length >= 25, $"expected the ~25 primitives, found {primitives.Length}");

        var covered = new HashSet<Type>();
        foreach (GradCase c in GradCheckCases.All)
        {
            Tensor[] inputs = c.Inputs().Select(x => x.SetRequiresGrad()).ToArray();
            Collect(c.F(inputs), covered);
        }

        string[] missing = primitives.Where(p => !covered.Contains(p)).Select(p => p.Name).OrderBy(n => n).ToArray();
        Assert.True(missing.Length == 0, $"primitives without a grad-check case: {string.Join(", ", missing)}");
    }

    private static void Collect(Tensor root, HashSet<Type> seen)
    {
        var stack = new Stack<Tensor>([root]);
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            Tensor t = stack.Pop();
            if (!visited.Add(t) || t.Creator is null)
            {
                continue;
            }
            seen.Add(t.Creator.GetType());
            foreach (Tensor input in t.Creator.Inputs)
            {
                stack.Push(input);
            }
        }
    }
}
