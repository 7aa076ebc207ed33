using System.Globalization;
using System.Text;

namespace MetaLearn.Tensors;

public sealed partial class Tensor
{
    private const int MaxShownValues = 24;

    /// <summary>
    /// Shape, dtype, the producing op and the values (the first few of a large tensor), e.g.
    /// <c>Tensor[2, 2] float32 grad_fn=mul (w) [[1, 2], [3, 4]]</c>.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Tensor");
        sb.Append(Shapes.Format(_shape)).Append(' ').Append(DType.Name());
        if (Creator is not null)
        {
            sb.Append(" grad_fn=").Append(Creator.Name);
        }
        else if (RequiresGrad)
        {
            sb.Append(" requires_grad");
        }
        if (Name is not null)
        {
            sb.Append(" (").Append(Name).Append(')');
        }
        sb.Append(' ');
        int shown = 0;
        AppendValues(sb, 0, 0, ref shown);
        return sb.ToString();
    }

    private void AppendValues(StringBuilder sb, int dim, int offset, ref int shown)
    {
        if (dim == Rank)
        {
            sb.Append(this[offset].ToString("G6", CultureInfo.InvariantCulture));
            shown++;
            return;
        }
        sb.Append('[');
        int stride = 1;
        for (int d = dim + 1; d < Rank; d++)
        {
            stride *= _shape[d];
        }
        for (int i = 0; i < _shape[dim]; i++)
        {
            if (shown >= MaxShownValues)
            {
                sb.Append("...");
                break;
            }
            if (i > 0)
            {
                sb.Append(", ");
            }
            AppendValues(sb, dim + 1, offset + i * stride, ref shown);
        }
        sb.Append(']');
    }
}
